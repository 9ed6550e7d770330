"""The package reads as the pipeline: imports run down the stages, never in a circle, through public names.

Rules, checked on every import statement of every module (function-level imports included, and the
imports under ``if TYPE_CHECKING:`` too: a circle a type checker has to untangle is a circle a reader
has to untangle):

1. no import circle between modules;
2. a module imports only modules of its own stage or of an earlier one, in the order of ``STAGES``
   (``inputs`` and ``encoders`` never import ``matching``, ``planning``, ``evaluation``,
   ``training``, ``service``, ``api`` or ``cli``; only ``cli`` imports ``api``, and nothing in the
   package imports its own face, ``recommender/__init__.py``);
3. only ``cli/`` imports typer (or click);
4. every sub-package says in its ``__init__`` docstring what the stage does;
5. no private name (``_x``) crosses a stage: no module imports one from another stage's module, nor
   reads or calls one that only another stage defines (``obj._x``; ``self._x`` and ``cls._x`` are the
   object's own business). ``scripts/`` and ``tests/`` count as stages of their own: they use the
   package through public names only. The one allowance: a test may replace a private helper with
   ``monkeypatch.setattr(module, "_name", ...)`` to inject a fault (a string, not an import or call);
6. the public names (``recommender.__all__``) import without torch, sentence-transformers or
   scikit-learn (checked in a fresh interpreter).

The query path (no torch, sentence-transformers or scikit-learn when a query runs) is checked by
``tests/encoders/test_backends.py::test_the_query_path_imports_neither_torch_nor_sklearn``.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "recommender"
REPO = PACKAGE.parent
TESTS = REPO / "tests"
# The pipeline's stages, in order: a module may import its own stage and the ones before it.
STAGES = (
    ("errors", "defaults", "version", "extras", "progress"),
    ("inputs",),
    ("encoders",),
    ("skills",),
    ("matching",),
    ("planning",),
    ("formats",),  # credential standards in (catalog readers) and out (a fitted index's alignments)
    ("store",),
    ("evaluation",),
    ("training",),
    ("scale",),
    ("service",),
    ("api", "__init__"),  # the library's faces: one function per command; the public names
    ("cli",),
)
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}
HEAVY = ("torch", "sentence_transformers", "sklearn")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_of(path: Path) -> str:
    return _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]


def _target(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(path: Path) -> list[tuple[str, int]]:
    """``(absolute module, line)`` for every import in ``path``, ``if TYPE_CHECKING:`` blocks included."""
    package = _package_of(path) if path.is_relative_to(PACKAGE) else ""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _target(node, package)
            # ``from . import common`` imports the submodule ``common``; other names come from ``target``
            submodules = [f"{target}.{alias.name}" for alias in node.names if _exists(f"{target}.{alias.name}")]
            found.extend((name, node.lineno) for name in submodules)
            if len(submodules) < len(node.names):
                found.append((target, node.lineno))
    return found


def _exists(module: str) -> bool:
    if module != "recommender" and not module.startswith("recommender."):
        return False
    relative = Path(*module.split(".")[1:]) if "." in module else Path()
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        graph[module] = {target for target, _ in _imports(path) if _exists(target) and target != module}
    return graph


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_every_module_belongs_to_a_stage() -> None:
    stages = {_stage(m) for m in _graph()}
    assert stages <= set(RANK), f"modules outside any stage: {sorted(stages - set(RANK))}; add them to STAGES"


def test_no_import_circle() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_imports_under_type_checking_count(tmp_path: Path) -> None:
    module = tmp_path / "typed.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from recommender.api import query\n")
    assert ("recommender.api", 3) in _imports(module)


def test_imports_run_down_the_stages() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for target, line in _imports(path):
            if _exists(target) and RANK[_stage(target)] > RANK[_stage(module)]:
                wrong.append(f"{path.relative_to(REPO)}:{line} imports {target}")
    assert wrong == []


def test_only_the_cli_imports_typer() -> None:
    wrong = [
        f"{path.relative_to(REPO)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if _stage(_module_name(path)) != "cli"
        for target, line in _imports(path)
        if target.split(".")[0] in {"typer", "click"}
    ]
    assert wrong == []


@pytest.mark.parametrize("package", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_each_stage_says_what_it_does(package: str) -> None:
    docstring = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8")))
    assert docstring and len(docstring.split()) >= 15, f"recommender/{package}/__init__.py needs a docstring"


# ---------------------------------------------------------------- 5. private names stay in their stage
def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _owner(path: Path) -> str:
    """The stage a file belongs to: a sub-package of ``recommender``, or ``scripts`` / ``tests``."""
    return _stage(_module_name(path)) if path.is_relative_to(PACKAGE) else path.relative_to(REPO).parts[0]


def _sources() -> list[Path]:
    return [*sorted(PACKAGE.rglob("*.py")), *sorted((REPO / "scripts").glob("*.py")), *sorted(TESTS.rglob("*.py"))]


def _private_definitions() -> dict[str, set[str]]:
    """Per stage of the package: the private names its modules define (functions, classes, methods,
    module constants, and attributes set on ``self`` or ``cls``)."""
    defined: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        names = defined.setdefault(_owner(path), set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
    return {stage: {name for name in names if _is_private(name)} for stage, names in defined.items()}


def _private_crossings(path: Path, defined: dict[str, set[str]], source: str | None = None) -> list[str]:
    """Where ``path`` (or ``source``, read as if it were ``path``) imports or uses another stage's private name."""
    owner = _owner(path)
    elsewhere = set().union(*(names for stage, names in defined.items() if stage != owner)) - defined.get(owner, set())
    package = _package_of(path) if path.is_relative_to(PACKAGE) else ""
    where = path.relative_to(REPO)
    found = []
    for node in ast.walk(ast.parse(source if source is not None else path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            target = _target(node, package)
            if _exists(target) and _stage(target) != owner:
                found += [f"{where}:{node.lineno} imports {target}.{a.name}" for a in node.names if _is_private(a.name)]
        elif isinstance(node, ast.Attribute) and _is_private(node.attr) and node.attr in elsewhere and not _own(node):
            found.append(f"{where}:{node.lineno} uses .{node.attr}")
    return found


def _own(node: ast.Attribute) -> bool:
    """``self._x`` or ``cls._x``: the object's own attribute."""
    return isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}


def test_no_private_name_crosses_a_stage() -> None:
    defined = _private_definitions()
    assert [crossing for path in _sources() for crossing in _private_crossings(path, defined)] == []


def test_the_private_name_check_sees_imports_and_calls() -> None:
    defined = {"matching": {"_build_role", "_own"}, "store": {"_query_tables"}}
    source = "from ..store.index_io import _query_tables\nrole = model._build_role(text)\nself._own()\n"
    found = _private_crossings(PACKAGE / "planning" / "example.py", defined, source)  # as if it were in planning/
    assert found == [
        "recommender/planning/example.py:1 imports recommender.store.index_io._query_tables",
        "recommender/planning/example.py:2 uses ._build_role",
    ]


def test_scripts_do_not_import_the_tests() -> None:
    wrong = [
        f"{path.relative_to(REPO)}:{line} imports {target}"
        for path in sorted((REPO / "scripts").glob("*.py"))
        for target, line in _imports(path)
        if target == "tests" or target.startswith("tests.")
    ]
    assert wrong == []


# ---------------------------------------------------------------- 6. the public face is light
def test_the_public_names_import_without_torch_or_sklearn() -> None:
    code = (
        "import json, sys\n"
        "import recommender\n"
        "names = {name: getattr(recommender, name) for name in recommender.__all__}\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert json.loads(done.stdout) == []


def test_every_public_name_is_there_and_documented() -> None:
    import recommender

    assert set(recommender.__all__) <= set(dir(recommender))
    for name in recommender.__all__:
        value = getattr(recommender, name)
        assert name == "__version__" or value.__doc__, f"recommender.{name} needs a docstring"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        recommender.nothing  # noqa: B018
