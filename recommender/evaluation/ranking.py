"""End-to-end evaluation: job postings → ranked credentials, against graded (posting, credential) pairs.

Any catalog, postings file and pairs file: the pairs name a posting by id and a credential by its
0-based data row in the catalog file (``pairs_by="row"``) or by its id (``"id"``), with a grade
(0 = judged not relevant). Three systems rank the whole catalog for every graded posting, on the same
inputs in the same run:

- **engine**: the catalog indexed by ``Recommender`` (or an index built from it, ``model_dir``), queried
  with the posting's title and text, as ``recommender query`` does;
- **tfidf**: scikit-learn TF-IDF (English stop words, sublinear tf, min_df 2) of the posting's title and
  text against each credential's title and text, cosine;
- **dense**: the default encoder's embedding of the whole posting against each whole credential, cosine;
- **fusion**: the standard hybrid of the two, each divided by its best candidate's value and summed — the bar
  a skill-based ranking has to clear (the engine's line then carries its difference from fusion in nDCG@5
  with a paired bootstrap 95% interval over postings).

Several pairs files may be given (e.g. the shared judgments and newly judged pairs kept beside them): a
pair graded in a later file takes that grade.

Figures per system (``metrics.graded_*``): nDCG@5 and nDCG@10 with exponential gain, P@5 (grade ≥
``min_grade``), the unjudged results in each top 5 / 10 (scored 0), and the condensed nDCG@5 (judged
results only).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..encoders.base import Encoder
from ..errors import InvalidInputError
from ..extras import import_extra
from ..formats.readers import load_catalog
from ..inputs.catalog import Catalog
from ..inputs.datasets import COURSERA_2024, WUZZUF
from ..inputs.postings import Posting, iter_postings
from ..inputs.tabular import PathLike, peek_columns, read_records
from ..inputs.taxonomy import load_taxonomy
from ..matching.engine import Recommender, credential_document
from ..skills.occupations import load_occupations
from .evaluate import Evaluation, resolve_encoder
from .metrics import graded_ndcg, graded_precision, unjudged

logger = logging.getLogger(__name__)

PAIR_COLUMNS = (
    ("wuzzuf_job_id", "query_id"),
    ("coursera2024_course_id", "doc_id"),
    ("n_shared_tags", "grade"),
)
SYSTEMS = ("engine", "tfidf", "dense", "fusion")
BOOTSTRAP_SAMPLES = 2000
DEPTH = 10  # results scored per posting


def read_judgments(paths: PathLike | Sequence[PathLike], *, doc_column: str | None = None) -> dict[str, dict[str, int]]:
    """``read_graded_pairs`` of each file, merged in order (a later file's grade for a pair wins)."""
    files = [paths] if isinstance(paths, str | Path) else list(paths)
    if not files:
        raise InvalidInputError("give at least one graded pairs file")
    gold: dict[str, dict[str, int]] = {}
    for path in files:
        for query, grades in read_graded_pairs(path, doc_column=doc_column).items():
            gold.setdefault(query, {}).update(grades)
    return gold


def paired_bootstrap(a: Sequence[float], b: Sequence[float], samples: int = BOOTSTRAP_SAMPLES) -> tuple[float, float]:
    """The 95% interval of mean(a − b) over ``samples`` resamples of the paired items (seeded: repeatable)."""
    diff = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    rng = np.random.default_rng(0)
    means = diff[rng.integers(0, len(diff), size=(samples, len(diff)))].mean(axis=1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def read_graded_pairs(path: PathLike, *, doc_column: str | None = None) -> dict[str, dict[str, int]]:
    """``{posting id: {credential key: grade}}``, zero grades kept (judged, not relevant).

    Columns: ``query_id, doc_id, grade`` (or the Wuzzuf × Coursera names); ``doc_column`` reads the
    credential key from another column (e.g. ``course_url`` for ids).
    """
    available, stream = peek_columns(read_records(path, kind="graded pairs"))
    names = []
    for columns in PAIR_COLUMNS:
        options: tuple[str, ...] = (doc_column,) if columns[1] == "doc_id" and doc_column is not None else columns
        found = next((c for c in available if c.strip() in options), None)
        if found is None:
            raise InvalidInputError(f"{path}: expected a column {' or '.join(options)}; found {', '.join(available)}")
        names.append(found)
    gold: dict[str, dict[str, int]] = {}
    for record in stream:
        query, doc, grade = (str(record.values.get(c) or "").strip() for c in names)
        try:
            value = int(float(grade))
        except ValueError:
            raise InvalidInputError(f"{path}, row {record.row}: the grade must be a number (got {grade!r})") from None
        if not query or not doc:
            raise InvalidInputError(f"{path}, row {record.row}: a pair needs a posting id and a credential")
        gold.setdefault(query, {})[doc] = max(value, gold.get(query, {}).get(doc, value))
    if not gold:
        raise InvalidInputError(f"{path} has no graded pairs")
    return gold


def credential_rows(catalog: Catalog) -> dict[int, int]:
    """``{0-based file row: credential position}``; a dropped duplicate row maps to the row it repeats.

    The loaded credentials are the rows neither skipped nor duplicates, in file order.
    """
    report = catalog.report
    dropped = {s.row for s in report.skipped} | {d.row for d in report.duplicates}
    kept = [row for row in range(1, report.rows_read + 1) if row not in dropped]
    if len(kept) != len(catalog.credentials):
        raise InvalidInputError(f"{report.path}: could not map the loaded credentials back to their rows")
    position = {row: i for i, row in enumerate(kept)}
    for duplicate in report.duplicates:
        position[duplicate.row] = position[duplicate.first_row]
    return {row - 1: i for row, i in position.items()}


def pair_keys(catalog: Catalog, pairs_by: str) -> tuple[list[str], dict[str, str]]:
    """Each credential's key in the pairs file, and a map from any key form to it (duplicates, rows)."""
    if pairs_by == "id":
        ids = [c.id for c in catalog.credentials]
        return ids, {i: i for i in ids}
    if pairs_by != "row":
        raise InvalidInputError(f"pairs_by must be 'row' or 'id', got {pairs_by!r}")
    rows = credential_rows(catalog)
    first = {position: row for row, position in sorted(rows.items(), reverse=True)}
    keys = [str(first[i]) for i in range(len(catalog.credentials))]
    return keys, {str(row): keys[position] for row, position in rows.items()}


def _judged_metrics(
    judgments: Sequence[Mapping[str, int]], runs: Sequence[Sequence[str]], min_grade: int
) -> tuple[dict[str, float], dict[str, int]]:
    def mean(values: list[float]) -> float:
        return float(np.mean(values)) if values else 0.0

    metrics = {
        "ndcg@5": mean([graded_ndcg(j, r, 5) for j, r in zip(judgments, runs, strict=True)]),
        "ndcg@10": mean([graded_ndcg(j, r, 10) for j, r in zip(judgments, runs, strict=True)]),
        "p@5": mean([graded_precision(j, r, 5, min_grade=min_grade) for j, r in zip(judgments, runs, strict=True)]),
        "condensed_ndcg@5": mean([graded_ndcg(j, r, 5, condensed=True) for j, r in zip(judgments, runs, strict=True)]),
    }
    counts = {
        "unjudged@5": sum(unjudged(j, r, 5) for j, r in zip(judgments, runs, strict=True)),
        "unjudged@10": sum(unjudged(j, r, 10) for j, r in zip(judgments, runs, strict=True)),
    }
    return metrics, counts


def tfidf_ranker(documents: Sequence[str]) -> Callable[[str], np.ndarray]:
    """The TF-IDF baseline: cosine of a query's TF-IDF vector to each document's (fitted on ``documents``)."""
    TfidfVectorizer = import_extra("sklearn.feature_extraction.text", "eval").TfidfVectorizer
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2)
    matrix = vectorizer.fit_transform(documents)
    return lambda text: np.asarray((matrix @ vectorizer.transform([text]).T).toarray()).ravel()


def dense_ranker(encoder: Encoder, documents: Sequence[str]) -> Callable[[str], np.ndarray]:
    """The dense baseline: cosine of the whole query's embedding to each whole document's."""
    vectors = encoder.encode(list(documents))
    return lambda text: vectors @ encoder.encode([text])[0]


def fusion_ranker(
    tfidf: Callable[[str], np.ndarray], dense: Callable[[str], np.ndarray]
) -> Callable[[str], np.ndarray]:
    """The hybrid baseline: TF-IDF and dense cosines, each over its best value for the query, summed."""

    def scaled(values: np.ndarray) -> np.ndarray:
        best = float(values.max()) if len(values) else 0.0
        return values / best if best > 0 else np.zeros_like(values)

    return lambda text: scaled(tfidf(text)) + scaled(dense(text))


def top_keys(scores: np.ndarray, keys: Sequence[str], depth: int) -> list[str]:
    order = np.lexsort((np.arange(len(scores)), -scores))[:depth]
    return [keys[i] for i in order]


def evaluate_ranking(
    data: PathLike | Sequence[PathLike],
    *,
    catalog: PathLike,
    postings: PathLike,
    taxonomy: PathLike | None = None,
    occupations: PathLike | None = None,
    encoder: str | Encoder | None = None,
    model_dir: PathLike | None = None,
    catalog_mapping: Mapping[str, Sequence[str]] | None = None,
    posting_mapping: Mapping[str, Sequence[str]] | None = None,
    pairs_by: str = "row",
    doc_column: str | None = None,
    systems: Sequence[str] = SYSTEMS,
    min_grade: int = 2,
    limit: int | None = None,
    cache_dir: PathLike | None = None,
    model: Recommender | None = None,
    progress: bool = False,
) -> list[Evaluation]:
    """Rank ``catalog`` for every graded posting with each of ``systems`` and score the top 10.

    The engine indexes the catalog against ``taxonomy`` (default: its declared skills; ``occupations``,
    an ESCO folder, blends the nearest occupations into each role), or loads ``model_dir`` (an index
    built from this catalog), or uses ``model``. ``limit`` scores only the first graded postings of the
    postings file (in file order).
    """
    unknown = sorted(set(systems) - set(SYSTEMS))
    if unknown or not systems:
        raise InvalidInputError(f"unknown system(s) {unknown or systems}; choose from {', '.join(SYSTEMS)}")
    gold = read_judgments(data, doc_column=doc_column)
    loaded = load_catalog(catalog, mapping=COURSERA_2024.fields() if catalog_mapping is None else catalog_mapping)
    keys, key_of = pair_keys(loaded, pairs_by)
    selected: list[tuple[Posting, dict[str, int]]] = []
    no_text = missing_pairs = 0
    for posting in iter_postings(postings, mapping=WUZZUF.fields() if posting_mapping is None else posting_mapping):
        if posting.id not in gold:
            continue
        if limit is not None and len(selected) + no_text >= limit:
            break
        if not isinstance(posting, Posting):
            no_text += 1
            continue
        judgments: dict[str, int] = {}
        for doc, grade in gold[posting.id].items():
            if doc in key_of:
                judgments[key_of[doc]] = max(grade, judgments.get(key_of[doc], grade))
            else:
                missing_pairs += 1
        selected.append((posting, judgments))
    if not selected:
        raise InvalidInputError(f"no posting of {postings} has an id in {data}; check --postings and its columns")
    texts = [f"{p.title}\n\n{p.text}" if p.title else p.text for p, _ in selected]
    documents = [credential_document(c) for c in loaded.credentials]
    text_encoder = resolve_encoder(encoder, cache_dir=cache_dir)
    results = []
    rankers: dict[str, Callable[[str], np.ndarray]] = {}

    def ranker(name: str) -> Callable[[str], np.ndarray]:
        if name not in rankers:
            if name == "fusion":
                rankers[name] = fusion_ranker(ranker("tfidf"), ranker("dense"))
            else:
                rankers[name] = tfidf_ranker(documents) if name == "tfidf" else dense_ranker(text_encoder, documents)
        return rankers[name]

    judgments = [j for _, j in selected]
    per_posting: dict[str, list[float]] = {}
    for system in systems:
        if system == "engine":
            engine = model or _engine(loaded, model_dir, taxonomy, occupations, text_encoder, progress)
            position = {c.id: i for i, c in enumerate(loaded.credentials)}
            k = min(DEPTH, len(engine.credentials_))
            runs = []
            for (posting, _), text in zip(selected, texts, strict=True):
                found = engine.recommend(text, title=posting.title or None, k=k).recommendations
                runs.append([keys[position[r.id]] for r in found if r.id in position])
        else:
            rank = ranker(system)
            runs = [top_keys(rank(text), keys, DEPTH) for text in texts]
        metrics, counts = _judged_metrics(judgments, runs, min_grade)
        per_posting[system] = [graded_ndcg(j, r, 5) for j, r in zip(judgments, runs, strict=True)]
        details: dict[str, Any] = {
            "system": system,
            **counts,
            "postings_scored": len(selected),
            "postings_without_text": no_text,
            "pairs_not_in_catalog": missing_pairs,
            "catalog": loaded.report.summary(),
            "pairs_by": pairs_by,
            "min_grade": min_grade,
            "limit": limit,
        }
        if system == "engine":
            for name, value in (("model_dir", model_dir), ("taxonomy", taxonomy), ("occupations", occupations)):
                details[name] = str(value) if value is not None else None
        else:
            details["encoder"] = text_encoder.spec if system == "dense" else None
        results.append(Evaluation("ranking", _names(data), len(selected), {**metrics}, details))
    if "engine" in per_posting and "fusion" in per_posting:
        engine = next(r for r in results if r.details["system"] == "engine")
        low, high = paired_bootstrap(per_posting["engine"], per_posting["fusion"])
        difference = float(np.mean(per_posting["engine"]) - np.mean(per_posting["fusion"]))
        engine.details["vs_fusion"] = {"ndcg@5": difference, "ci95": [low, high], "samples": BOOTSTRAP_SAMPLES}
    return results


def _names(data: PathLike | Sequence[PathLike]) -> str:
    return str(Path(data)) if isinstance(data, str | Path) else " + ".join(str(Path(d)) for d in data)


def _engine(
    catalog: Catalog,
    model_dir: PathLike | None,
    taxonomy: PathLike | None,
    occupations: PathLike | None,
    encoder: Encoder,
    progress: bool,
) -> Recommender:
    if model_dir is not None:
        from ..store.live import open_index

        model = open_index(model_dir)
        ids = {c.id for c in model.credentials_}
        missing = [c.id for c in catalog.credentials if c.id not in ids]
        if missing:
            raise InvalidInputError(
                f"the index at {model_dir} lacks {len(missing)} credentials of the catalog (e.g. {missing[0]!r}); "
                "build it from the same catalog and mapping, or leave out --model-dir"
            )
        return model
    vocabulary = load_taxonomy(taxonomy) if taxonomy is not None else None
    model = Recommender(encoder).fit(catalog, vocabulary, progress=progress)
    model = _with_query_indexes(model)
    if occupations is not None:
        model.attach_occupations(load_occupations(occupations), progress=progress)
    return model


def _with_query_indexes(model: Recommender) -> Recommender:
    """Swap the fitted scikit-learn neighbour indexes for the numpy twins ``store.load_index`` uses.

    Same neighbours; scikit-learn re-normalises all 99k ESCO surface forms on every query.
    """
    assert model.encoder is not None
    extractor = model.settings.new_extractor().fit(
        model.vocabulary_, model.encoder, form_embeddings=model.extractor_.form_embeddings_, reference=False
    )
    model.set_state(model.encoder, extractor, model.credentials_, model.profiles_, lexical=model.lexical_,
                    reference=False)  # fmt: skip
    return model
