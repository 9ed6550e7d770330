"""Measure the relevance levers on the judged Wuzzuf × edX set, cross-validated over postings.

    python scripts/relevance_levers.py --model-dir models/edx [--data extra_pairs.csv ...] [--folds 6]

The index must be edX indexed against ESCO (with occupations), as the README's `index` command builds it.
For every judged posting the engine's evidence is computed once per claim setting (``Recommender.evidence``:
claimed coverage, precision, TF-IDF and document cosine, for every credential); each lever is then a way
of weighing it (``matching.scoring.combine``). A lever with free weights picks them on the training
postings of each fold (best mean nDCG@5) and is scored on the held-out ones, so every figure is out of
sample. Each row also gives its difference from ``fusion`` (TF-IDF + MiniLM document cosine, each over
its best, summed: computed in the same run) with a paired bootstrap 95% interval over postings, and the
unjudged results in its top 5 (scored 0). Rows are cumulative.

Judgments: the shared set plus, by default, the pairs judged blind since (data/judged/); give ``--data``
to use other files (each later one's grade for a pair wins).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from recommender import open_index
from recommender.evaluation.evaluate import resolve_encoder
from recommender.evaluation.metrics import graded_ndcg, unjudged
from recommender.evaluation.ranking import (
    dense_ranker,
    fusion_ranker,
    pair_keys,
    paired_bootstrap,
    read_judgments,
    tfidf_ranker,
    top_keys,
)
from recommender.formats.readers import load_catalog
from recommender.inputs.datasets import EDX, JUDGED, WUZZUF
from recommender.inputs.postings import Posting, iter_postings
from recommender.matching.coverage import coverage_by_credential
from recommender.matching.engine import credential_document
from recommender.matching.scoring import combine, ranking_weights

NEW_PAIRS = Path(__file__).resolve().parents[1] / "data" / "judged" / "wuzzuf_x_edx_pairs_judged_new.csv"
COVERAGE = (0.125, 0.25, 0.5)
LEXICAL_SHARE = (0.25, 0.5)  # lexical weight; dense = 1 − lexical


@dataclass(frozen=True)
class Lever:
    name: str
    claims: bool = True  # claims sense-checked (claim_threshold) or every typed match credited
    coverage: tuple[float, ...] = COVERAGE
    lexical: tuple[float, ...] = LEXICAL_SHARE
    uncovered: float = 0.75
    transversal: float = 1.0

    def grid(self) -> list[tuple[float, float]]:
        return [(c, x) for c in self.coverage for x in self.lexical]


LEVERS = (
    Lever(
        "TF-IDF + dense, equal weights (fusion's own parts, no skills)", coverage=(0.0,), lexical=(0.5,), uncovered=1.0
    ),
    Lever("+ a credential claimed to teach none of the role's skills keeps 0.75", coverage=(0.0,), lexical=(0.5,)),
    Lever("+ claimed skill coverage × precision (weights tuned)"),
    Lever("+ transversal role skills at half weight (weights tuned)", transversal=0.5),
    Lever("the same, every typed match credited (no sense check)", claims=False, transversal=0.5),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, required=True)
    parser.add_argument("--data", type=Path, nargs="*", default=None, help="graded pairs files (default: shared + new)")
    parser.add_argument("--folds", type=int, default=6, help="cross-validation folds over postings")
    args = parser.parse_args()
    files = args.data or [JUDGED.file(), *([NEW_PAIRS] if NEW_PAIRS.exists() else [])]
    gold = read_judgments(files)
    catalog = load_catalog(EDX.file(), mapping=EDX.fields())
    keys, key_of = pair_keys(catalog, "row")
    postings = [
        p for p in iter_postings(WUZZUF.file(), mapping=WUZZUF.fields()) if isinstance(p, Posting) and p.id in gold
    ]
    judgments = [{key_of[d]: g for d, g in gold[p.id].items() if d in key_of} for p in postings]
    texts = [f"{p.title}\n\n{p.text}" if p.title else p.text for p in postings]
    model = open_index(args.model_dir)
    in_catalog = {c.id: i for i, c in enumerate(catalog.credentials)}
    index_keys = [keys[in_catalog[c.id]] for c in model.credentials_]
    print(f"{len(postings)} judged postings, {sum(map(len, judgments))} graded pairs; evidence once per posting",
          file=sys.stderr)  # fmt: skip
    settings = model.settings
    evidence, roles = (
        {},
        [model.role_builder_.build(t, title=p.title or None)[1] for t, p in zip(texts, postings, strict=True)],
    )
    for checked in (True, False):
        model.settings = settings if checked else replace(settings, claim_threshold=float("-inf"))
        evidence[checked] = [model.evidence(t, title=p.title or None) for t, p in zip(texts, postings, strict=True)]
    model.settings = settings
    documents = [credential_document(c) for c in catalog.credentials]
    encoder = resolve_encoder(None)
    fusion = fusion_ranker(tfidf_ranker(documents), dense_ranker(encoder, documents))
    fusion_runs = [top_keys(fusion(text), keys, 10) for text in texts]
    fusion_scores = [graded_ndcg(j, r, 5) for j, r in zip(judgments, fusion_runs, strict=True)]

    def run(lever: Lever, coverage_weight: float, lexical: float) -> list[list[str]]:
        runs = []
        for ev, vectors in zip(evidence[lever.claims], roles, strict=True):
            n = len(ev.coverage)
            weights = ranking_weights(vectors.skills, lever.transversal)
            coverage = coverage_by_credential(ev.credits, weights, n) if len(weights) else ev.coverage
            relevance = combine(
                coverage, ev.precision if ev.precision is not None else np.ones(n), ev.lexical, ev.dense,
                ev.candidates, coverage_weight=coverage_weight, lexical_weight=lexical, dense_weight=1 - lexical,
                precision_power=1.0, uncovered=lever.uncovered, has_skills=ev.has_skills,
            )  # fmt: skip
            order = ev.candidates[np.lexsort((ev.candidates, -relevance.score[ev.candidates]))][:10]
            runs.append([index_keys[i] for i in order])
        return runs

    folds = np.array_split(np.random.default_rng(0).permutation(len(postings)), args.folds)
    print(f"{'lever (rows cumulative)':72s} {'nDCG@5':>7s} {'− fusion':>9s} {'95% interval':>16s} unjudged@5")
    mean_fusion = 100 * np.mean(fusion_scores)
    print(f"{'fusion (TF-IDF + MiniLM, each over its best, summed)':72s} {mean_fusion:7.1f}")
    for lever in LEVERS:
        grid = lever.grid()
        per = [run(lever, c, x) for c, x in grid]
        scores = np.array([[graded_ndcg(j, r, 5) for j, r in zip(judgments, runs, strict=True)] for runs in per])
        held = np.zeros(len(postings))
        held_runs: list[list[str]] = [[] for _ in postings]
        for fold in folds:
            best = int(np.argmax(scores[:, np.setdiff1d(np.arange(len(postings)), fold)].mean(axis=1)))
            held[fold] = scores[best, fold]
            for i in fold:
                held_runs[i] = per[best][i]
        low, high = paired_bootstrap(held, fusion_scores)
        missing = sum(unjudged(j, r, 5) for j, r in zip(judgments, held_runs, strict=True))
        difference = 100 * (held.mean() - np.mean(fusion_scores))
        interval = f"[{100 * low:+.1f}, {100 * high:+.1f}]"
        print(f"{lever.name:72s} {100 * held.mean():7.1f} {difference:+9.1f} {interval:>16s} {missing:5d}")
        best = int(np.argmax(scores.mean(axis=1)))
        chosen = grid[best]
        print(
            f"{'':4s}weights chosen on all postings: coverage {chosen[0]}, lexical {chosen[1]}, "
            f"dense {1 - chosen[1]} (in sample {100 * scores[best].mean():.1f})"
        )


if __name__ == "__main__":
    main()
