"""Measure each relevance lever on the judged Wuzzuf × edX set, cross-validated over postings.

    python scripts/relevance_levers.py --model-dir models/edx [--folds 24]

The index must be edX indexed against ESCO (with occupations), as the README's `index` command builds
it. For every judged posting the engine's evidence is computed once (``Recommender.evidence``: skill
coverage with and without specificity, precision, TF-IDF, document cosine, for every credential); each
lever is then a way of weighing it (``matching.scoring.combine``). A lever with free weights picks them
on the training postings of each fold (best mean nDCG@5) and is scored on the held-out postings, so
every figure is out of sample; the weights picked on all postings are printed last (the defaults in
``recommender.Settings`` come from that line). The TF-IDF and dense baselines are computed in the
same run on the same inputs (``evaluation.ranking``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from recommender import Filters, Settings, open_index
from recommender.encoders.base import encode_grouped, normalize_rows
from recommender.evaluation.evaluate import resolve_encoder
from recommender.evaluation.metrics import graded_ndcg, graded_precision, unjudged
from recommender.evaluation.ranking import (
    dense_ranker,
    pair_keys,
    read_graded_pairs,
    tfidf_ranker,
    top_keys,
)
from recommender.formats.readers import load_catalog
from recommender.inputs.datasets import EDX, JUDGED, WUZZUF
from recommender.inputs.postings import Posting, iter_postings
from recommender.matching.engine import credential_document
from recommender.matching.profiles import credential_segments
from recommender.matching.scoring import combine
from recommender.skills.segment import split_segments

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class Lever:
    name: str
    language: bool = True
    text_first: bool = True
    specificity: tuple[bool, ...] = (False,)
    precision: tuple[float, ...] = (0.0,)
    coverage: tuple[float, ...] = (0.75,)
    lexical: tuple[float, ...] = (0.0,)
    dense: tuple[float, ...] = (0.25,)
    uncovered: tuple[float, ...] = (1.0,)
    # The document vectors: "whole" (each text encoded as one, over the best candidate's cosine: the
    # engine now) or "segments" (the mean of its segment embeddings, the raw cosine: the engine before).
    document: str = "whole"

    def grid(self) -> list[dict[str, float]]:
        combos = itertools.product(
            self.specificity, self.precision, self.coverage, self.lexical, self.dense, self.uncovered
        )
        return [
            dict(specificity=s, precision=p, coverage=c, lexical=x, dense=d, uncovered=u)
            for s, p, c, x, d, u in combos
            if c + x + d > 0
        ]


# Cumulative: each row adds one lever to the row above (and tunes what it adds with the rest).
_ALL_WEIGHTS = dict(coverage=WEIGHTS, lexical=WEIGHTS, dense=(0.0, 0.25, 0.5))
_SEGMENTS = dict(document="segments")
_UP_TO_UNCOVERED = dict(specificity=(False, True), precision=(0.0, 0.5, 1.0, 2.0), uncovered=(0.5, 0.75, 1.0))
LEVERS = (
    Lever("engine before (coverage 0.75 + dense 0.25, any language)", language=False, text_first=False, **_SEGMENTS),
    Lever("+ the posting's language", text_first=False, **_SEGMENTS),
    Lever("+ role profiles that follow the text", **_SEGMENTS),
    Lever("+ specificity (IDF of credential skills)", specificity=(False, True), **_SEGMENTS),
    Lever("+ precision (broad, shallow profiles)", specificity=(False, True), precision=(0.0, 0.5, 1.0), **_SEGMENTS),
    Lever(
        "+ TF-IDF and dense document scores",
        specificity=(False, True),
        precision=(0.0, 0.5, 1.0),
        **_ALL_WEIGHTS,
        **_SEGMENTS,
    ),
    Lever("+ uncovered credentials kept at 0.5 / 0.75", **_UP_TO_UNCOVERED, **_ALL_WEIGHTS, **_SEGMENTS),
    Lever("+ whole-text document vectors (all levers)", **_UP_TO_UNCOVERED, **_ALL_WEIGHTS),
    Lever(
        "all levers, occupation blend as before (not text first)", text_first=False, **_UP_TO_UNCOVERED, **_ALL_WEIGHTS
    ),
    Lever("TF-IDF and dense document scores alone", coverage=(0.0,), lexical=WEIGHTS[1:], dense=(0.25, 0.5, 0.75, 1.0)),
)


def ranking(
    evidence: object, setting: dict[str, float], keys: list[str], segments: np.ndarray | None = None
) -> list[str]:
    """The top 10 under ``setting``; ``segments``: the segment-mean document cosines, weighed raw (as before)."""
    ev = evidence  # RankingEvidence
    n = len(ev.coverage)  # type: ignore[attr-defined]
    dense, dense_weight = ev.dense, setting["dense"]  # type: ignore[attr-defined]
    if segments is not None:  # combine() divides by the best candidate's cosine: undo it to weigh it raw
        dense = segments
        dense_weight *= max(float(np.clip(segments[ev.candidates], 0, None).max()), 1e-12)  # type: ignore[attr-defined]
    relevance = combine(
        ev.specific_coverage if setting["specificity"] else ev.coverage,  # type: ignore[attr-defined]
        ev.precision if ev.precision is not None else np.ones(n),  # type: ignore[attr-defined]
        ev.lexical, dense, ev.candidates, coverage_weight=setting["coverage"],  # type: ignore[attr-defined]
        lexical_weight=setting["lexical"], dense_weight=dense_weight, precision_power=setting["precision"],
        uncovered=setting["uncovered"], has_skills=ev.has_skills,  # type: ignore[attr-defined]
    )  # fmt: skip
    order = ev.candidates[np.lexsort((ev.candidates, -relevance.score[ev.candidates]))][:10]  # type: ignore[attr-defined]
    return [keys[i] for i in order]


def figures(judgments: list[dict[str, int]], runs: list[list[str]]) -> dict[str, float]:
    pairs = list(zip(judgments, runs, strict=True))
    return {
        "ndcg@5": 100 * float(np.mean([graded_ndcg(j, r, 5) for j, r in pairs])),
        "p@5": 100 * float(np.mean([graded_precision(j, r, 5) for j, r in pairs])),
        "condensed": 100 * float(np.mean([graded_ndcg(j, r, 5, condensed=True) for j, r in pairs])),
        "unjudged@5": float(sum(unjudged(j, r, 5) for j, r in pairs)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model-dir", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=JUDGED.file())
    parser.add_argument("--catalog", type=Path, default=EDX.file())
    parser.add_argument("--postings", type=Path, default=WUZZUF.file())
    parser.add_argument("--folds", type=int, default=6, help="cross-validation folds over postings")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--examples", type=int, default=5, help="postings whose top 5 are printed before / after")
    args = parser.parse_args()

    gold = read_graded_pairs(args.data)
    catalog = load_catalog(args.catalog, mapping=EDX.fields())
    keys, key_of = pair_keys(catalog, "row")
    postings = [
        p for p in iter_postings(args.postings, mapping=WUZZUF.fields()) if isinstance(p, Posting) and p.id in gold
    ]
    judgments = [{key_of[d]: g for d, g in gold[p.id].items() if d in key_of} for p in postings]
    texts = [f"{p.title}\n\n{p.text}" if p.title else p.text for p in postings]
    model = open_index(args.model_dir)
    in_catalog = {c.id: i for i, c in enumerate(catalog.credentials)}
    index_keys = [keys[in_catalog[c.id]] for c in model.credentials_]  # the index's credentials, as pair keys
    print(f"{len(postings)} judged postings; computing the evidence once per posting", file=sys.stderr)
    evidence = {}
    blender = model.role_builder_.blender
    if blender is None:
        raise SystemExit(f"{args.model_dir} has no ESCO occupations: index edX against --taxonomy ESCO_FOLDER")
    blend = blender.settings
    for text_first in (True, False):
        blender.settings = replace(blend, text_first=text_first)
        for language in (True, False):
            filters = Filters() if language else Filters(language="any")
            evidence[language, text_first] = [
                model.evidence(t, title=p.title or None, filters=filters) for t, p in zip(texts, postings, strict=True)
            ]
    blender.settings = blend
    # The segment-mean document vectors the engine used before (segments come from the embedding cache).
    text_encoder = resolve_encoder(None)
    segment_lists = [credential_segments(c, split_segments) for c in model.credentials_]
    means = normalize_rows(np.vstack([g.mean(axis=0) for g in encode_grouped(text_encoder, segment_lists)]))
    posting_means = normalize_rows(
        np.vstack([g.mean(axis=0) for g in encode_grouped(text_encoder, [split_segments(t) for t in texts])])
    )
    segment_dense = [means @ vector for vector in posting_means]
    documents = [credential_document(c) for c in catalog.credentials]
    baselines = {
        "TF-IDF, posting vs course text": tfidf_ranker(documents),
        "all-MiniLM-L6-v2, whole posting vs whole course": dense_ranker(text_encoder, documents),
    }
    rows = []
    for name, rank in baselines.items():
        runs = [top_keys(rank(text), keys, 10) for text in texts]
        rows.append({"system": name, **figures(judgments, runs), "weights": None})
    folds = np.array_split(np.random.default_rng(0).permutation(len(postings)), args.folds)
    for lever in LEVERS:
        grid = lever.grid()
        per_setting = [
            [
                ranking(ev, setting, index_keys, segment_dense[i] if lever.document == "segments" else None)
                for i, ev in enumerate(evidence[lever.language, lever.text_first])
            ]
            for setting in grid
        ]
        scores = np.array(
            [[graded_ndcg(j, r, 5) for j, r in zip(judgments, runs, strict=True)] for runs in per_setting]
        )
        held_out: list[list[str]] = [[] for _ in postings]
        for fold in folds:
            train = np.setdiff1d(np.arange(len(postings)), fold)
            best = int(np.argmax(scores[:, train].mean(axis=1)))
            for i in fold:
                held_out[i] = per_setting[best][i]
        best_all = int(np.argmax(scores.mean(axis=1)))
        rows.append({"system": lever.name, **figures(judgments, held_out), "weights": grid[best_all],
                     "in_sample_ndcg@5": 100 * float(scores[best_all].mean())})  # fmt: skip
    print(f"{'system':62} {'nDCG@5':>7} {'P@5':>6} {'cond.':>6} {'unjudged@5':>10}  weights (all postings)")
    for row in rows:
        figures_ = f"{row['ndcg@5']:7.1f} {row['p@5']:6.1f} {row['condensed']:6.1f} {row['unjudged@5']:10.0f}"
        print(f"{row['system']:62} {figures_}  {row['weights'] or ''}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    defaults = Settings()  # this code's defaults (the index may have been built with older ones)
    after = dict(specificity=defaults.specificity, precision=defaults.precision_power,
                 coverage=defaults.coverage_weight, lexical=defaults.lexical_weight, dense=defaults.dense_weight,
                 uncovered=defaults.uncovered)  # fmt: skip
    before = LEVERS[0].grid()[0]
    titles = {keys[i]: c.title for i, c in enumerate(catalog.credentials)}
    for i in range(min(args.examples, len(postings))):
        print(f"\n{postings[i].title} (posting {postings[i].id}); grade in brackets, - = unjudged")
        for label, setting, ev, segments in (
            ("before", before, evidence[False, False][i], segment_dense[i]),
            ("after", after, evidence[True, True][i], None),
        ):
            top = ranking(ev, setting, index_keys, segments)[:5]
            shown = "; ".join(f"{titles[k]} [{judgments[i].get(k, '-')}]" for k in top)
            print(f"  {label:6} {shown}")


if __name__ == "__main__":
    main()
