"""The package reads as the pipeline: imports run down the stages, never in a circle.

Rules, checked on every import statement of every module (function-level imports included; imports
under ``if TYPE_CHECKING:`` are left out, they never run):

1. no import circle between modules;
2. a module imports only modules of its own stage or of an earlier one, in the order of ``STAGES``
   (``inputs`` and ``encoders`` never import ``matching``, ``planning``, ``evaluation``,
   ``training``, ``service``, ``api`` or ``cli``; nothing imports ``api`` but ``cli``);
3. only ``cli/`` imports typer (or click);
4. every sub-package says in its ``__init__`` docstring what the stage does.

The query path (no torch, sentence-transformers or scikit-learn when a query runs) is checked by
``tests/encoders/test_backends.py::test_the_query_path_imports_neither_torch_nor_sklearn``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "recommender"
# The pipeline's stages, in order: a module may import its own stage and the ones before it.
STAGES = (
    ("errors", "defaults", "__init__"),
    ("inputs",),
    ("formats",),
    ("encoders",),
    ("skills",),
    ("matching",),
    ("planning",),
    ("store",),
    ("evaluation",),
    ("training",),
    ("scale",),
    ("service",),
    ("api",),
    ("cli",),
)
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> list[tuple[str, int]]:
    """``(absolute module, line)`` for every import in ``path`` that runs (not under TYPE_CHECKING)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - child.level + 1]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                # ``from . import common`` imports the submodule ``common``; other names come from ``target``
                submodules = [f"{target}.{alias.name}" for alias in child.names if _exists(f"{target}.{alias.name}")]
                found.extend((name, child.lineno) for name in submodules)
                if len(submodules) < len(child.names):
                    found.append((target, child.lineno))
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _exists(module: str) -> bool:
    if not module.startswith("recommender"):
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


def test_imports_run_down_the_stages() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for target, line in _imports(path):
            if _exists(target) and RANK[_stage(target)] > RANK[_stage(module)]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert wrong == []


def test_only_the_cli_imports_typer() -> None:
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
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
