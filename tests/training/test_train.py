"""Training: ranking and metrics helpers, batching, configuration, and tiny end-to-end runs."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.errors import InvalidInputError
from recommender.training.common import ValidationSet, rank_by_forms, validation_metrics
from recommender.training.full import make_batches, neighbour_table
from recommender.training.pairs import Pair
from recommender.training.train import config_for

from .train_fixture import write_shared


def test_rank_by_forms_takes_each_skills_best_form() -> None:
    forms = np.array([[1, 0], [0, 1], [0.6, 0.8]], dtype=np.float32)  # skill 0: forms 0, 2; skill 1: form 1
    form_skill = np.array([0, 1, 0], dtype=np.int32)
    queries = np.array([[0, 1], [1, 0], [0.6, 0.8]], dtype=np.float32)
    assert rank_by_forms(queries, forms, form_skill, 2) == [[1, 0], [0, 1], [0, 1]]
    assert rank_by_forms(queries, forms, form_skill, 2, depth=1) == [[1], [0], [0]]


def test_validation_metrics_by_hand() -> None:
    sets = [
        ValidationSet("a", ("x", "y"), (frozenset({0}), frozenset({2, 3}))),
        ValidationSet("b", ("z",), (frozenset({5}),)),
    ]
    ranked = [[[1, 0], [2, 9, 8, 7, 6, 3]], [[5]]]
    scores = validation_metrics(ranked, sets)
    assert scores["a/rp@5"] == pytest.approx((1 + 0.5) / 2)  # second item: 1 of 2 gold in the top 5
    assert scores["a/rp@10"] == pytest.approx(1.0)
    assert scores["a/mrr"] == pytest.approx((1 / 2 + 1) / 2)
    assert scores["score"] == pytest.approx((0.75 + 1.0) / 2)


def test_make_batches_never_repeats_an_anchor_or_a_skill() -> None:
    pairs = [Pair(f"text {i % 7}", i % 5, "sentence") for i in range(40)]
    batches = make_batches(pairs, 4, random.Random(0))
    for batch in batches:
        assert len({p.anchor for p in batch}) == len(batch) == len({p.skill for p in batch})
    assert sum(len(b) for b in batches) <= len(pairs)


def test_neighbour_table_excludes_self_nearest_first() -> None:
    vectors = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    table = neighbour_table(vectors, 2)
    assert table[0].tolist() == [1, 3] and table[2].tolist() == [3, 1]


def test_config_for_mode_defaults_and_overrides() -> None:
    assert config_for("adapter").eval_forms == "all"
    assert config_for("full", max_steps=7, learning_rate=None).max_steps == 7
    assert config_for("full").learning_rate == 5e-5
    with pytest.raises(InvalidInputError, match="mode must be"):
        config_for("bogus")


def test_train_needs_the_shared_data_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "Error:" in result.output and "esco/" in result.output


def test_train_help() -> None:
    result = CliRunner().invoke(app, ["train", "--help"])
    assert result.exit_code == 0 and "--max-steps" in result.output


@pytest.mark.real_model
def test_train_adapter_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    shared = write_shared(tmp_path / "shared")
    out = tmp_path / "encoder"
    args = ["train", "--data", str(shared), "--out", str(out), "--max-steps", "3", "--batch-size", "4"]
    result = CliRunner().invoke(app, [*args, "--eval-every", "1"])
    assert result.exit_code == 0, result.output
    assert "Trained 3 steps" in result.output
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "## Data (pairs per source)" in card and "Skill-presence threshold" in card
    record = json.loads((out / "recommender-train.json").read_text(encoding="utf-8"))
    assert record["steps"] == 3 and set(record["calibration"]) >= {"threshold", "short_threshold", "per_segment"}
    assert record["wins_on_validation"] == (record["best_validation"] > record["base_validation"])
    from recommender.encoders.load import load_encoder

    encoder = load_encoder(str(out))
    vectors = encoder.encode(["SQL", "Experience with SQL databases"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.real_model
def test_train_full_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from recommender import api

    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    shared = write_shared(tmp_path / "shared")
    steps: list[int] = []
    trained = api.train_encoder(
        shared, tmp_path / "full", mode="full", max_steps=2, batch_size=4, eval_every=1, calibrate=False,
        on_step=lambda step, total, loss: steps.append(step),
    )  # fmt: skip
    result = trained.result
    assert steps == [1, 2] and result.steps == 2
    assert result.best_step in (0, 1, 2) and len(result.history) == 3  # base, step 1, step 2
    assert (tmp_path / "full" / "modules.json").is_file()
    assert "Run" in trained.card and trained.to_dict()["extra"] == trained.card
