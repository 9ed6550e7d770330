"""Run the input fuzzers (scripts/fuzz_targets.py, which the test suite runs briefly) for a while and count.

    python scripts/fuzz.py --minutes 10 --seed 13 [--crashes-dir fuzz-crashes]

Every target (CSV, JSON and JSON Lines catalogs, Open Badges / CTDL / ELM documents, postings, an
ESCO export, the text path) gets an equal share of the time, in rounds of fresh seeds derived from
--seed. Prints inputs tried and outcomes per target, errors by kind, and last ``crashes: N`` (an
exception other than the library's own errors, or an input running past the per-input limit);
each crashing input is saved under --crashes-dir with its traceback.
"""

from __future__ import annotations

import argparse
import logging
import pickle
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender import Recommender, Settings
from recommender.defaults import CATALOG_FILE, embedded_data_dir
from recommender.encoders.hashing import HashingEncoder
from recommender.formats.readers import load_catalog
from scripts.fuzz_targets import TARGETS, Target, outcome

ROUND_EXAMPLES = 200


class TimeUp(Exception):
    """The target's share of the time is spent."""


def hashing_model() -> Recommender:
    """The embedded catalog on the hashing encoder (its declared skills the vocabulary): the text target's engine."""
    settings = Settings(threshold=0.45, declared_threshold=0.8, skill_similarity=0.5)  # the hashing encoder's cosines
    return Recommender(HashingEncoder(256), settings).fit(load_catalog(embedded_data_dir() / CATALOG_FILE))


def fuzz_target(
    target: Target, until: float, base_seed: int, folder: Path, model: Recommender, crashes_dir: Path
) -> tuple[Counter[str], int]:
    """Draw inputs for ``target`` until ``until`` (monotonic); outcomes counted, crashes saved."""
    outcomes: Counter[str] = Counter()
    rounds = 0
    while time.monotonic() < until:

        @settings(max_examples=ROUND_EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @seed(base_seed * 1000 + rounds)
        @given(data=target.strategy)
        def run(data: object) -> None:
            if time.monotonic() >= until:
                raise TimeUp
            try:
                outcomes[outcome(target, data, folder, model)] += 1
            except Exception as exc:  # a crash or a hang: keep the input, carry on
                outcomes[f"CRASH:{type(exc).__name__}"] += 1
                number = sum(n for k, n in outcomes.items() if k.startswith("CRASH"))
                crashes_dir.mkdir(parents=True, exist_ok=True)
                stem = crashes_dir / f"{target.name}-{number}"
                stem.with_suffix(".pickle").write_bytes(pickle.dumps(data))
                stem.with_suffix(".txt").write_text(traceback.format_exc(), encoding="utf-8")

        try:
            run()
        except TimeUp:
            break
        rounds += 1
    return outcomes, rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--crashes-dir", type=Path, default=Path("fuzz-crashes"))
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the readers log every skipped row
    share = args.minutes * 60 / len(TARGETS)
    total: Counter[str] = Counter()
    print(f"fuzzing {len(TARGETS)} targets for {args.minutes:g} min ({share:.0f} s each), seed {args.seed}")
    with tempfile.TemporaryDirectory(prefix="recommender-fuzz-") as tmp:
        model = hashing_model()
        for number, target in enumerate(TARGETS):
            until = time.monotonic() + share
            outcomes, rounds = fuzz_target(target, until, args.seed + number, Path(tmp) / target.name, model,
                                           args.crashes_dir)  # fmt: skip
            total.update(outcomes)
            tried = sum(outcomes.values())
            detail = ", ".join(f"{kind} {n}" for kind, n in sorted(outcomes.items()))
            print(f"{target.name:15s} {tried:7d} inputs ({rounds} rounds): {detail}", flush=True)
    tried = sum(total.values())
    errors = {kind.removeprefix("error:"): n for kind, n in sorted(total.items()) if kind.startswith("error:")}
    crashes = sum(n for kind, n in total.items() if kind.startswith("CRASH"))
    print(f"inputs tried: {tried}")
    print(f"loaded: {total['ok']}")
    print("errors by kind: " + (", ".join(f"{kind} {n}" for kind, n in errors.items()) or "none"))
    if crashes:
        print(f"crashing inputs saved in {args.crashes_dir}/")
    print(f"crashes: {crashes}")


if __name__ == "__main__":
    main()
