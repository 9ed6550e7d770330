"""Choose the role-blend settings on the *tune* part of ESCO's occupations only.

    python scripts/tune_roles.py [--shared ../shared/data] [--data build/benchmarks/roles_esco_tune.jsonl]

Each tune occupation (title = preferred label, text = description, gold = essential skills) is
matched without its own occupation. The script prepares the roles once (text skills, title and
text similarities to every occupation), then sweeps ``BlendSettings`` and prints Recall@20 and
MAP; the best Recall@20 (ties: MAP) is the default in ``recommender/skills/roles.py``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import replace
from pathlib import Path

from recommender.evaluation.evaluate import resolve_encoder
from recommender.evaluation.roles import prepare_roles, read_roles, score_roles
from recommender.inputs.datasets import shared_data_root
from recommender.inputs.taxonomy import load_taxonomy
from recommender.skills.occupations import OccupationIndex, load_occupations
from recommender.skills.roles import BlendSettings

# Earlier sweeps (title_share 0.3, 1-10 occupations, temperature 0.01-0.1, occupation weight 0.5-2)
# put one occupation and weight <= 1 behind (Recall@20 35.4 / 37.5 against 40.3 at 5 occupations,
# temperature 0.03, weight 2), with the best at the grid's edge: this grid starts there, and a
# coordinate search then moves temperature and weight while Recall@20 improves.
GRID = {
    "title_share": (0.3, 0.5, 0.7),
    "top_occupations": (5, 10),
    "temperature": (0.03, 0.1),
    "occupation_weight": (2.0, 4.0),
}
OPTIONAL_WEIGHTS = (0.0, 0.25, 0.5)
STEPS = (("temperature", 2.0), ("temperature", 0.5), ("occupation_weight", 2.0), ("occupation_weight", 0.5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=shared_data_root())
    parser.add_argument("--data", type=Path, default=Path("build/benchmarks/roles_esco_tune.jsonl"))
    parser.add_argument("--encoder", default=None)
    args = parser.parse_args()
    encoder = resolve_encoder(args.encoder)
    vocabulary = load_taxonomy(args.shared / "esco")
    index = OccupationIndex().fit(load_occupations(args.shared / "esco"), encoder)
    prepared = prepare_roles(read_roles(args.data), vocabulary, index, encoder)
    print(f"{len(prepared.items)} tune roles prepared in {prepared.seconds:.0f} s", file=sys.stderr)
    for profile in ("text", "title"):
        print(profile, {k: round(100 * v, 1) for k, v in score_roles(prepared, profile).items()})

    results: dict[BlendSettings, dict[str, float]] = {}
    print("title_share top temperature occupation_weight optional_weight  recall@20   MAP")
    for values in itertools.product(*GRID.values()):
        settings = BlendSettings(**dict(zip(GRID, values, strict=True)))
        results[settings] = _report(prepared, settings)
    best = max(results, key=lambda s: (results[s]["recall@20"], results[s]["map"]))
    for weight in OPTIONAL_WEIGHTS:
        settings = replace(best, optional_weight=weight)
        if settings not in results:
            results[settings] = _report(prepared, settings)
    best = max(results, key=lambda s: (results[s]["recall@20"], results[s]["map"]))
    for _ in range(6):  # coordinate search from the best: halve or double temperature and weight
        before = best
        for name, factor in STEPS:
            settings = replace(best, **{name: round(getattr(best, name) * factor, 4)})
            if settings not in results:
                results[settings] = _report(prepared, settings)
        best = max(results, key=lambda s: (results[s]["recall@20"], results[s]["map"]))
        if best == before:
            break
    print(f"\nchosen: {best} -> {results[best]}")


def _report(prepared: object, settings: BlendSettings) -> dict[str, float]:
    figures = score_roles(prepared, "blend", settings)  # type: ignore[arg-type]
    print(
        f"{settings.title_share:11.2f} {settings.top_occupations:3d} {settings.temperature:11.2f} "
        f"{settings.occupation_weight:17.2f} {settings.optional_weight:15.2f}  "
        f"{100 * figures['recall@20']:9.1f} {100 * figures['map']:5.1f}",
        flush=True,
    )
    return figures


if __name__ == "__main__":
    main()
