"""A command whose optional extra is missing says which one to install: one ``Error:`` line, exit 1.

The missing package is simulated the way Python itself reports one (``sys.modules[name] = None``
makes ``import name`` raise ImportError), so these tests run in the full test environment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender import DependencyError, MissingExtraError, RecommenderError
from recommender.cli import app
from recommender.extras import EXTRAS, import_extra, require_extra

from ..helpers import TINY_CATALOG

runner = CliRunner()


def test_require_extra_names_the_package_and_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(MissingExtraError) as raised:
        require_extra("serve")
    message = "`recommender serve` needs uvicorn, which is not installed: pip install 'recommender[serve]'"
    assert str(raised.value) == message
    assert isinstance(raised.value, RecommenderError) and isinstance(raised.value, DependencyError)
    assert isinstance(raised.value, ImportError)


def test_import_extra_imports_or_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    assert import_extra("json", "eval") is json
    monkeypatch.setitem(sys.modules, "ir_measures", None)
    with pytest.raises(MissingExtraError, match=r"^`recommender evaluate` needs ir_measures, .*\[eval\]'$"):
        import_extra("ir_measures", "eval")


def test_every_extra_is_installed_in_the_test_environment() -> None:
    for extra in EXTRAS:
        require_extra(extra)  # `pip install -e '.[test]'` installs them all


@pytest.fixture()
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "embedding-cache"))
    monkeypatch.setenv("RECOMMENDER_MODEL_DIR", str(tmp_path / "default-index-never-built"))
    path = tmp_path / "catalog.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in TINY_CATALOG), encoding="utf-8")
    return path


@pytest.fixture()
def hash_index(catalog: Path, tmp_path: Path) -> Path:
    result = runner.invoke(app, ["index", "--catalog", str(catalog), "--encoder", "hash", "--model-dir", "index"])
    assert result.exit_code == 0, result.output
    return tmp_path / "index"


@pytest.mark.parametrize(
    ("missing", "extra", "command"),
    [
        ("fastapi", "serve", ["serve", "--model-dir", "index"]),
        ("dask", "scale", ["score", "postings.csv", "--out", "scores", "--model-dir", "index"]),
        ("ir_measures", "eval", ["evaluate", "titles", "--data", "titles.csv", "--occupations", "esco"]),
        ("torch", "train", ["train", "--data", "shared", "--out", "encoder"]),
    ],
)
def test_a_command_without_its_extra_says_what_to_install(
    hash_index: Path, monkeypatch: pytest.MonkeyPatch, missing: str, extra: str, command: list[str]
) -> None:
    (hash_index.parent / "postings.csv").write_text("id,text\n1,SQL and Python\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, missing, None)
    result = runner.invoke(app, command)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    fix = f"needs {missing}, which is not installed: pip install 'recommender[{extra}]'"
    assert result.stderr.rstrip().endswith(fix)


def test_building_with_the_default_encoder_needs_the_embed_extra(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    result = runner.invoke(app, ["index", "--catalog", str(catalog), "--encoder", "default", "--model-dir", "index"])
    assert result.exit_code == 1 and result.stdout == ""
    fix = "needs sentence_transformers, which is not installed: pip install 'recommender[embed]'"
    assert result.stderr == f"Error: building an index (sentence-transformers, the ONNX export, TF-IDF) {fix}\n"
