"""Choose the skill-presence threshold on the TECH and HOUSE *validation* sets.

For every validation sentence the extractor's pipeline runs as in production (segments →
nearest ESCO labels and aliases → per-segment top-n above a threshold → skills). The script
sweeps the threshold and the per-segment cap and prints micro precision / recall / F1 of the
extracted skill sets against the gold labels, pooled over both sets; the best F1 is the
default. It also prints RP@5 of the plain ranking (max cosine over labels and aliases).

    python scripts/tune_threshold.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

from recommender.benchmarks import read_annotations
from recommender.cache import CachedEncoder
from recommender.encoder import load_encoder
from recommender.segment import split_segments
from recommender.skills import SHORT_SEGMENT_WORDS, SkillExtractor
from recommender.taxonomy import load_taxonomy, normalize_label

THRESHOLDS = np.round(np.arange(0.40, 0.801, 0.025), 3)
PER_SEGMENT = (1, 2, 3, 5)


def candidates(
    extractor: SkillExtractor, sentences: list[str], top: int = 8
) -> list[list[tuple[int, list[tuple[int, float]]]]]:
    """Per sentence, per segment: its word count and its best ``top`` skills with similarity."""
    per_sentence_segments = [split_segments(s) or [s] for s in sentences]
    flat = [seg for segs in per_sentence_segments for seg in segs]
    ranked = extractor.rank_skills(extractor.encoder_.encode(flat), top_n=top)
    out, i = [], 0
    for segs in per_sentence_segments:
        out.append([(len(seg.split()), r) for seg, r in zip(segs, ranked[i : i + len(segs)], strict=True)])
        i += len(segs)
    return out


def predicted(
    sentence_candidates: list[tuple[int, list[tuple[int, float]]]],
    threshold: float,
    per_segment: int,
    short_threshold: float = 0.0,
) -> set[int]:
    found: set[int] = set()
    for words, segment in sentence_candidates:
        needed = max(threshold, short_threshold) if words <= SHORT_SEGMENT_WORDS else threshold
        found.update(skill for skill, sim in segment[:per_segment] if sim >= needed)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(os.environ.get("RECOMMENDER_SHARED_DATA", "../shared/data"))
    )
    parser.add_argument("--encoder", default=None)
    args = parser.parse_args()
    bench = args.shared / "benchmarks" / "skill_extraction"
    vocabulary = load_taxonomy(args.shared / "esco")
    encoder = CachedEncoder(load_encoder(args.encoder))
    print(
        f"encoding {len(vocabulary.surface_forms()[0])} ESCO surface forms (cached after the first run)",
        file=sys.stderr,
    )
    extractor = SkillExtractor().fit(vocabulary, encoder, progress=True)
    by_label = {normalize_label(s.label): i for i, s in enumerate(vocabulary.skills)}

    pooled: dict[tuple[float, int], np.ndarray] = {}
    validation: list[tuple[list[set[int]], list]] = []
    for name in ("tech_validation", "house_validation", "tech_test", "house_test"):
        items = read_annotations(bench / f"{name}_annotations.csv")
        gold = [{by_label.get(normalize_label(label), -1 - j) for j, label in enumerate(item.labels)} for item in items]
        sentences = [item.text for item in items]
        cands = candidates(extractor, sentences)
        labelled = [i for i, g in enumerate(gold) if g]
        ranking = extractor.rank_skills(extractor.encoder_.encode([sentences[i] for i in labelled]), top_n=10)
        hits = [len(gold[i] & {s for s, _ in r[:5]}) / min(5, len(gold[i])) for i, r in zip(labelled, ranking, strict=True)]
        rp5 = float(np.mean(hits))
        print(f"{name}: {len(items)} sentences, {len(labelled)} with labels; ranking RP@5 = {100 * rp5:.1f}")
        if not name.endswith("validation"):
            continue
        validation.append((gold, cands))
        for t in THRESHOLDS:
            for n in PER_SEGMENT:
                counts = np.zeros(3)
                for g, c in zip(gold, cands, strict=False):
                    p = predicted(c, float(t), n)
                    counts += (len(p & g), len(p), len(g))
                pooled[(float(t), n)] = pooled.get((float(t), n), np.zeros(3)) + counts

    print("\nthreshold per_segment precision recall F1   (TECH + HOUSE validation, micro)")
    best = max(pooled, key=lambda key: _f1(pooled[key])[2])
    for (t, n), (tp, npred, ngold) in sorted(pooled.items()):
        p, r, f = _f1(np.array([tp, npred, ngold]))
        mark = "  <= best" if (t, n) == best else ""
        print(f"{t:9.3f} {n:11d} {100 * p:9.1f} {100 * r:6.1f} {100 * f:5.1f}{mark}")
    print(f"\nchosen: threshold {best[0]}, per_segment {best[1]}")
    print(f"\nsegments of at most {SHORT_SEGMENT_WORDS} words: short_threshold (at threshold {best[0]}, per_segment {best[1]})")
    scores = {}
    for short in np.round(np.arange(best[0], best[0] + 0.201, 0.025), 3):
        counts = np.zeros(3)
        for gold, cands in validation:
            for g, c in zip(gold, cands, strict=True):
                p = predicted(c, best[0], best[1], float(short))
                counts += (len(p & g), len(p), len(g))
        scores[float(short)] = _f1(counts)
        p, r, f = scores[float(short)]
        print(f"{short:9.3f} {100 * p:9.1f} {100 * r:6.1f} {100 * f:5.1f}")
    print(f"chosen: short_threshold {max(scores, key=lambda key: scores[key][2])}")


def _f1(counts: np.ndarray) -> tuple[float, float, float]:
    tp, npred, ngold = counts
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


if __name__ == "__main__":
    main()
