"""Open any catalog file: a credential standard (Open Badges 3.0, CTDL, ELM) or plain rows (CSV, JSONL, JSON)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..inputs.catalog import Catalog, catalog_from_records
from ..inputs.tabular import PathLike, read_records
from .standards import load_standard_catalog


def load_catalog(
    path: PathLike,
    *,
    mapping: Mapping[str, Sequence[str]] | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    file_format: str | None = None,
    strict: bool = False,
    max_text_chars: int = 20000,
    language: str = "en",
) -> Catalog:
    """Load a credential catalog.

    Columns are taken from ``mapping`` (``{field: [column, ...]}``, see
    :func:`recommender.inputs.tabular.parse_mapping`), else by field name, case-insensitively. Rows
    without an id get one derived from their content; rows with neither title nor text, or with
    neither text nor skills, are skipped; repeated ids keep the first row (``strict=True`` raises
    instead); text over ``max_text_chars`` is cut at a word boundary. All of it is recorded in
    ``catalog.report``.

    A JSON/JSON-LD document in a credential standard (Open Badges 3.0, CTDL, European Learning
    Model) is detected and read by :mod:`recommender.formats.standards`; ``file_format`` ``openbadges``,
    ``ctdl`` or ``elm`` forces one, and ``language`` picks the language of language maps.
    """
    standard = load_standard_catalog(
        path, file_format=file_format, encoding=encoding, language=language, strict=strict,
        max_text_chars=max_text_chars, mapping=mapping,
    )  # fmt: skip
    if standard is not None:
        return standard
    records = read_records(path, delimiter=delimiter, encoding=encoding, file_format=file_format, kind="catalog")
    return catalog_from_records(records, path=str(path), mapping=mapping, strict=strict, max_text_chars=max_text_chars)
