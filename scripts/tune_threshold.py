"""Choose the skill-presence settings on the TECH and HOUSE *validation* sets (recommender/evaluation/calibration.py).

Prints micro precision / recall / F1 of the extracted skill sets, pooled over both validation sets,
for every threshold × per-segment cap × exact-form boost (short segments need threshold + 0.20),
then the chosen settings, and the RP@5 of the plain ranking (max cosine over labels and aliases)
on every set for reference.

    python scripts/tune_threshold.py [--shared ../shared/data] [--encoder SPEC]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from recommender.encoders.cache import CachedEncoder
from recommender.encoders.load import load_encoder
from recommender.evaluation.calibration import best_settings, sweep
from recommender.evaluation.evaluate import evaluate_skills
from recommender.inputs.datasets import shared_data_root
from recommender.inputs.taxonomy import load_taxonomy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=shared_data_root())
    parser.add_argument("--encoder", default=None)
    args = parser.parse_args()
    bench = args.shared / "benchmarks" / "skill_extraction"
    vocabulary = load_taxonomy(args.shared / "esco")
    encoder = CachedEncoder(load_encoder(args.encoder))
    paths = [bench / f"{name}_annotations.csv" for name in ("tech_validation", "house_validation")]
    scores = sweep(encoder, vocabulary, paths)
    print("threshold per_segment exact_boost precision recall    F1   (TECH + HOUSE validation, micro, %)")
    for (t, n, b), (p, r, f) in sorted(scores.items()):
        print(f"{t:9.3f} {n:11d} {b:11.1f} {100 * p:9.1f} {100 * r:6.1f} {100 * f:5.1f}")
    print("chosen:", json.dumps(best_settings(scores)))
    for name in ("tech_validation", "house_validation", "tech_test", "house_test"):
        result = evaluate_skills(bench / f"{name}_annotations.csv", vocabulary, encoder=encoder)
        print(f"{name}: ranking (labels + aliases) RP@5 {100 * result.metrics['rp@5']:.1f}, n = {result.n}")


if __name__ == "__main__":
    main()
