"""Every reader and the text path, fed hostile inputs: a result or one ``Error:``, never a crash or a hang.

The generators and the rule live in ``scripts/fuzz_targets.py``; ``scripts/fuzz.py`` runs them longer.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from recommender import Recommender
from scripts.fuzz_targets import TARGETS, TEN_MB_LINE, outcome

EXAMPLES = 60  # per target: 8 targets in ~30 s on a quiet machine
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def _quiet() -> None:
    logging.disable(logging.WARNING)  # the readers log every skip; thousands of examples would flood the output
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_hostile_inputs_load_or_fail_with_a_clear_error(target, tiny_model: Recommender, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seen: set[str] = set()

    @FUZZ
    @given(data=target.strategy)
    def check(data) -> None:  # type: ignore[no-untyped-def]
        seen.add(outcome(target, data, tmp_path / "input", tiny_model))

    check()
    assert seen <= {"ok"} | {f"error:{name}" for name in ("InvalidInputError", "ArtifactError", "DependencyError")}


@pytest.mark.slow
@pytest.mark.parametrize(
    "text", ["", " \n\t ", TEN_MB_LINE, "\u202eSQL\u202c", "\x00" * 1000], ids=["empty", "blank", "10MB", "rtl", "nul"]
)
def test_extreme_texts_give_skills_or_a_clear_error(tiny_model: Recommender, tmp_path: Path, text: str) -> None:
    (text_target,) = [t for t in TARGETS if t.name == "text"]
    assert outcome(text_target, text, tmp_path, tiny_model) in {"ok", "error:InvalidInputError"}
