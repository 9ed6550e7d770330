"""``recommender serve``: its help, and bad options or a missing index as one ``Error:`` line (no server started)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from recommender.cli import app

from ..helpers import TINY_CATALOG
from ..service.conftest import build_hash_index

runner = CliRunner()


def test_serve_help_names_the_defaults() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.stdout and "--workers" in result.stdout and "RECOMMENDER_API_KEY" in result.stdout


def test_serve_reports_bad_options_and_a_missing_index(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["serve", "--model-dir", str(tmp_path / "nothing")])
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: no index at")
    model_dir = tmp_path / "index"
    build_hash_index(model_dir, TINY_CATALOG)
    workers = runner.invoke(app, ["serve", "--model-dir", str(model_dir), "--workers", "0"])
    assert workers.exit_code == 1 and workers.stderr == "Error: --workers must be at least 1 (got 0)\n"
    port = runner.invoke(app, ["serve", "--model-dir", str(model_dir), "--port", "70000"])
    assert port.exit_code == 1 and port.stderr.startswith("Error: --port must be between 0 and 65535")
