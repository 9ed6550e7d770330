"""Measure ranking levers for text → ESCO skills on TECH/HOUSE: tuned on validation, reported on test.

Every lever re-scores the same candidates: all ESCO skills, ranked for each whole sentence by
(1) ``labels``: cosine to the preferred label; (2) ``all``: best cosine over labels and aliases (the
extractor's ranking, "alias max-pooling"); then, on top of ``all``, each alone and the best together:
``segments`` (also the sentence's clauses and list items, score = max(sentence, segment − d)),
``exact`` (+b when a label or alias occurs word for word in the sentence: a lexical boost),
``hybrid`` (+w × character 3–5-gram TF-IDF cosine to the skill's best form: lexical + dense),
``late`` (token-level late interaction as in ConTeXT-match: Σ_t softmax_t(cos(t, k)/τ) cos(t, k),
blended with weight λ), ``describe`` (blend in the cosine to the skill's label + ESCO description,
weight v) and ``rerank`` (the late-interaction blend only inside the top 50).
Settings are chosen by mean RP@5 over TECH + HOUSE validation; test files are only scored.

    python scripts/skill_levers.py [--encoder PATH] [--shared ../shared/data] [--out levers.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from recommender.encoders.cache import CachedEncoder
from recommender.encoders.load import load_encoder
from recommender.encoders.sentence import SentenceTransformerEncoder
from recommender.evaluation.evaluate import read_skill_benchmark
from recommender.evaluation.metrics import mean_reciprocal_rank, rp_at_k
from recommender.inputs.datasets import shared_data_root
from recommender.inputs.taxonomy import load_taxonomy
from recommender.skills.ranker import SkillRanker
from recommender.skills.segment import split_segments

SETS = ("tech_validation", "house_validation", "tech_test", "house_test")


def skill_max(sims: np.ndarray, order: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per row, each skill's best score over its forms (forms sorted by skill: ``order``, ``starts``)."""
    return np.maximum.reduceat(sims[:, order], starts, axis=1)


def figures(scores: np.ndarray, gold: list[set[int]]) -> dict[str, float]:
    ranked = np.argsort(-scores, axis=1, kind="stable")[:, :100].tolist()
    return {
        "rp@5": rp_at_k(gold, ranked, 5),
        "rp@10": rp_at_k(gold, ranked, 10),
        "mrr": mean_reciprocal_rank(gold, ranked),
    }


def token_vectors(encoder: Any, texts: list[str]) -> list[np.ndarray]:
    """Unit token embeddings of each text (passed through the model's modules after pooling, if any)."""
    import torch

    model = encoder.load()
    outputs = model.encode(texts, output_value="token_embeddings", convert_to_numpy=False, batch_size=64)
    after = [m for i, m in enumerate(model) if i >= 2 and type(m).__name__ != "Normalize"]
    vectors = []
    for tokens in outputs:
        x = torch.nn.functional.normalize(torch.as_tensor(tokens).float(), dim=-1)
        with torch.no_grad():
            for module in after:
                x = torch.nn.functional.normalize(module({"sentence_embedding": x})["sentence_embedding"], dim=-1)
        vectors.append(x.numpy()[1:-1] if len(x) > 2 else x.numpy())  # drop [CLS] and [SEP]
    return vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=shared_data_root())
    parser.add_argument("--encoder", default="default")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    vocabulary = load_taxonomy(args.shared / "esco")
    encoder = CachedEncoder(load_encoder(args.encoder))
    forms, form_skill = vocabulary.surface_forms()
    order = np.argsort(form_skill, kind="stable")
    starts = np.searchsorted(form_skill[order], np.arange(len(vocabulary)))
    print(f"encoding {len(forms)} surface forms (cached after the first run)", file=sys.stderr)
    form_vectors = encoder.encode(forms, progress=True)
    label_rows = starts  # the first form of each skill is its label
    # "describe": each skill also represented by its label and ESCO description (one text).
    described = [f"{skill.label}. {skill.description}".strip() for skill in vocabulary.skills]
    print(f"encoding {len(described)} label + description texts (cached after the first run)", file=sys.stderr)
    description_vectors = encoder.encode(described, progress=True)
    # The dense, exact-form and character n-gram parts, exactly as the library's hybrid ranking has them.
    ranker = SkillRanker().fit(vocabulary, encoder, form_embeddings=form_vectors)
    data: dict[str, dict[str, Any]] = {}
    for name in SETS:
        texts, gold, _ = read_skill_benchmark(
            args.shared / "benchmarks" / "skill_extraction" / f"{name}_annotations.csv", vocabulary
        )
        keep = [i for i, g in enumerate(gold) if g]
        texts, gold = [texts[i] for i in keep], [gold[i] for i in keep]
        sentence = encoder.encode(texts)
        dense, exact, lexical = ranker.components(texts, sentence)
        base = {"labels": sentence @ form_vectors[label_rows].T, "all": dense}
        segments = [[s for s in split_segments(t) if s != t] for t in texts]
        flat = [s for segs in segments for s in segs]
        seg_vectors = encoder.encode(flat) if flat else np.zeros((0, form_vectors.shape[1]), np.float32)
        seg_best = np.full_like(base["all"], -1.0)
        row = 0
        for i, segs in enumerate(segments):
            if segs:
                seg_best[i] = skill_max(seg_vectors[row : row + len(segs)] @ form_vectors.T, order, starts).max(axis=0)
            row += len(segs)
        describe = sentence @ description_vectors.T
        late = {}
        if isinstance(encoder.inner, SentenceTransformerEncoder):
            tokens = token_vectors(encoder.inner, texts)
            late = {tau: np.zeros_like(base["all"]) for tau in (0.05, 0.1)}
            for i, t in enumerate(tokens):
                sims = skill_max(t @ form_vectors.T, order, starts)
                for tau, scores in late.items():
                    weights = np.exp((sims - sims.max(axis=0)) / tau)
                    scores[i] = (weights * sims).sum(axis=0) / weights.sum(axis=0)
        data[name] = {
            "gold": gold,
            **base,
            "seg": seg_best,
            "exact": exact,
            "lexical": lexical,
            "late": late,
            "describe": describe,
        }

    def score(name: str, s: dict[str, float]) -> np.ndarray:
        d = data[name]
        out = np.maximum(d["all"], d["seg"] - s["d"]) if s.get("d") is not None else d["all"].copy()
        out = out + s.get("b", 0.0) * d["exact"] + s.get("w", 0.0) * d["lexical"]
        if s.get("v"):
            out = (1 - s["v"]) * out + s["v"] * d["describe"]
        if s.get("lam") and d["late"]:
            blended = (1 - s["lam"]) * out + s["lam"] * d["late"][s["tau"]]
            if s.get("top"):
                top = np.argsort(-out, axis=1)[:, : s["top"]]
                mask = np.zeros_like(out, dtype=bool)
                np.put_along_axis(mask, top, True, axis=1)
                blended = np.where(mask, blended + 10.0, out)
            out = blended
        return out

    def validation(s: dict[str, float]) -> float:
        return float(np.mean([figures(score(n, s), data[n]["gold"])["rp@5"] for n in SETS[:2]]))

    grids: dict[str, list[dict[str, Any]]] = {
        "segments": [{"d": d} for d in (0.0, 0.05, 0.1, 0.15, 0.2, 0.25)],
        "exact": [{"b": b} for b in (0.05, 0.1, 0.2, 0.3, 0.4, 0.5)],
        "hybrid": [{"w": w} for w in (0.1, 0.2, 0.3, 0.5, 0.7, 1.0)],
        "describe": [{"v": v} for v in (0.1, 0.2, 0.3, 0.4, 0.5, 0.7)],
        "late": [{"lam": lam, "tau": tau} for lam in (0.2, 0.4, 0.6, 0.8) for tau in (0.05, 0.1)],
        "rerank": [{"lam": lam, "tau": tau, "top": 50} for lam in (0.2, 0.4, 0.6, 0.8) for tau in (0.05, 0.1)],
    }
    if not data[SETS[0]]["late"]:
        grids.pop("late"), grids.pop("rerank")
    rows: list[dict[str, Any]] = []

    def report(lever: str, setting: dict[str, Any], base: str = "all") -> None:
        result: dict[str, Any] = {"lever": lever, "setting": setting, "validation_score": None}
        for name in SETS:
            s = data[name][base] if lever in ("labels", "all") else score(name, setting)
            result[name] = {k: round(100 * v, 1) for k, v in figures(s, data[name]["gold"]).items()}
        result["validation_score"] = round(float(np.mean([result[n]["rp@5"] for n in SETS[:2]])), 1)
        rows.append(result)
        cells = "  ".join(
            f"{n} {result[n]['rp@5']:5.1f}/{result[n]['rp@10']:5.1f}/{result[n]['mrr']:5.1f}" for n in SETS
        )
        print(f"{lever:9s} {json.dumps(setting):40s} {cells}", flush=True)

    print("RP@5/RP@10/MRR (%); settings chosen on validation", flush=True)
    report("labels", {}, "labels")
    report("all", {})
    chosen: dict[str, Any] = {}
    for lever, grid in grids.items():
        best = max(grid, key=validation)
        report(lever, best)
        if validation(best) > validation({}):
            chosen[lever] = best
    combined: dict[str, Any] = {}
    for lever in ("segments", "exact", "hybrid", "describe", "late", "rerank"):
        if lever in chosen and not (lever == "rerank" and "lam" in combined):
            candidates = [{**combined, **s} for s in [chosen[lever], *grids[lever]]]
            best = max(candidates, key=validation)
            if validation(best) > validation(combined):
                combined = best
    report("combined", combined)
    # What the library keeps (ranker.SkillRanker): the levers that need no token-level pass.
    lexical_only = max(({**e, **h} for e in [{}, *grids["exact"]] for h in [{}, *grids["hybrid"]]), key=validation)
    report("kept", lexical_only)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"encoder": args.encoder, "rows": rows}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
