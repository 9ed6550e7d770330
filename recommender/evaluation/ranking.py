"""End-to-end evaluation: job postings → ranked credentials, against graded (posting, credential) pairs.

The shared benchmark pairs Wuzzuf postings with Coursera 2024 courses whose recruiter tags and
course skills share at least two strings (the grade is how many). The engine indexes the catalog
and reads each posting's title and text only, never its tags; nDCG@10 uses the grades, Recall@50
counts every graded course as relevant.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..encoders.base import Encoder
from ..errors import InvalidInputError
from ..formats.readers import load_catalog
from ..inputs.catalog import Catalog
from ..inputs.postings import Posting, iter_postings
from ..inputs.tabular import PathLike, peek_columns, read_records
from ..inputs.taxonomy import load_taxonomy
from ..matching.engine import Recommender
from ..skills.occupations import load_occupations
from .evaluate import Evaluation, resolve_encoder
from .metrics import ndcg_at_k, recall_at_k

logger = logging.getLogger(__name__)

COURSERA_MAPPING = {
    "title": ["Title"], "provider": ["Institution"], "level": ["Level"], "skills": ["Gained Skills"],
    "field": ["Subject"], "type": ["Learning Product"],
}  # fmt: skip
WUZZUF_MAPPING = {"id": ["job_id"], "title": ["job_title"], "text": ["job_description", "job_requirements"]}
PAIR_COLUMNS = (("wuzzuf_job_id", "query_id"), ("coursera2024_course_id", "doc_id"), ("n_shared_tags", "grade"))


def read_graded_pairs(path: PathLike) -> dict[str, dict[int, int]]:
    """``{posting id: {0-based catalog row: grade}}`` from ``wuzzuf_job_id, coursera2024_course_id,
    n_shared_tags`` (or ``query_id, doc_id, grade``) rows."""
    available, stream = peek_columns(read_records(path, kind="graded pairs"))
    names = []
    for options in PAIR_COLUMNS:
        found = next((c for c in available if c.strip() in options), None)
        if found is None:
            raise InvalidInputError(f"{path}: expected a column {' or '.join(options)}; found {', '.join(available)}")
        names.append(found)
    gold: dict[str, dict[int, int]] = {}
    for record in stream:
        query, doc, grade = (str(record.values.get(c) or "").strip() for c in names)
        try:
            row, value = int(doc), int(float(grade))
        except ValueError:
            raise InvalidInputError(
                f"{path}, row {record.row}: the course id must be a row number and the grade a number "
                f"(got {doc!r}, {grade!r})"
            ) from None
        if value > 0:
            gold.setdefault(query, {})[row] = value
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


def _gold_by_credential(gold: Mapping[int, int], rows: Mapping[int, int]) -> tuple[dict[str, int], int]:
    grades: dict[str, int] = {}
    missing = 0
    for row, grade in gold.items():
        if row not in rows:
            missing += 1
            continue
        key = str(rows[row])
        grades[key] = max(grades.get(key, 0), grade)  # duplicates of one course: the best grade
    return grades, missing


def _with_query_indexes(model: Recommender) -> Recommender:
    """Swap the fitted scikit-learn neighbour indexes for the numpy twins ``store.load_index`` uses.

    Same neighbours; scikit-learn re-normalises all 99k ESCO surface forms on every query.
    """
    assert model.encoder is not None
    extractor = model.settings.new_extractor().fit(
        model.vocabulary_, model.encoder, form_embeddings=model.extractor_.form_embeddings_, reference=False
    )
    model.set_state(model.encoder, extractor, model.credentials_, model.profiles_, reference=False)  # type: ignore[arg-type]
    return model


def evaluate_ranking(
    data: PathLike,
    *,
    catalog: PathLike,
    postings: PathLike,
    taxonomy: PathLike | None = None,
    occupations: PathLike | None = None,
    encoder: str | Encoder | None = None,
    catalog_mapping: Mapping[str, Sequence[str]] = COURSERA_MAPPING,
    posting_mapping: Mapping[str, Sequence[str]] = WUZZUF_MAPPING,
    use_title: bool = True,
    limit: int | None = None,
    cache_dir: PathLike | None = None,
    progress: bool = False,
) -> Evaluation:
    """Index ``catalog``, rank it for every graded posting, and score the top 50: nDCG@10, Recall@50.

    ``taxonomy`` None profiles the catalog against its own declared skills; ``occupations`` (an
    ESCO folder, with an ESCO ``taxonomy``) blends the nearest occupations into each role.
    ``limit`` scores only the first graded postings of the postings file (a sample, in file order).
    """
    gold = read_graded_pairs(data)
    loaded = load_catalog(catalog, mapping=catalog_mapping)
    rows = credential_rows(loaded)
    text_encoder = resolve_encoder(encoder, cache_dir=cache_dir)
    vocabulary = load_taxonomy(taxonomy) if taxonomy is not None else None
    model = _with_query_indexes(Recommender(text_encoder).fit(loaded, vocabulary, progress=progress))
    if occupations is not None:
        model.attach_occupations(load_occupations(occupations), progress=progress)
    k = min(50, len(loaded))
    ids = {c.id: i for i, c in enumerate(model.credentials_)}
    golds: list[dict[str, int]] = []
    runs: list[list[str]] = []
    unreachable = no_text = 0
    for posting in iter_postings(postings, mapping=posting_mapping):
        if posting.id not in gold:
            continue
        if limit is not None and len(runs) + no_text >= limit:
            break
        if not isinstance(posting, Posting):
            no_text += 1
            continue
        grades, missing = _gold_by_credential(gold[posting.id], rows)
        unreachable += missing
        text = f"{posting.title}\n\n{posting.text}" if posting.title else posting.text
        result = model.recommend(text, title=posting.title if use_title else None, k=k)
        runs.append([str(ids[r.id]) for r in result.recommendations])
        golds.append(grades)
    if not runs:
        raise InvalidInputError(f"no posting of {postings} has an id in {data}; check --postings and its columns")
    metrics = {"ndcg@10": ndcg_at_k(golds, runs, 10), "recall@50": recall_at_k(golds, runs, 50)}
    details = {
        "postings_scored": len(runs),
        "postings_without_text": no_text,
        "graded_postings_not_scored": len(gold) - len(runs) - no_text,  # not in the file, or past the limit
        "pairs_not_in_index": unreachable,
        "catalog": loaded.report.summary(),
        "vocabulary": vocabulary.source if vocabulary is not None else "catalog",
        "occupations": str(occupations) if occupations is not None else None,
        "title": use_title,
        "limit": limit,
        "encoder": text_encoder.spec,
    }
    return Evaluation("ranking", str(Path(data)), sum(1 for g in golds if g), metrics, details)
