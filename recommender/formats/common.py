"""Helpers shared by the standard readers: JSON-LD values, language maps, durations, references.

Every reader turns one standard's records into plain catalog values (see
:data:`recommender.inputs.catalog.CATALOG_FIELDS`) and reports the records it cannot read as
:class:`~recommender.inputs.catalog.SkippedRow` (position and reason); the rest still load.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..inputs.catalog import SkippedRow

ESCO_SKILL = re.compile(r"^https?://data\.europa\.eu/esco/skill/[0-9A-Za-z-]+/?$")
_DURATION = re.compile(
    r"^P(?:(?P<years>\d+(?:[.,]\d+)?)Y)?(?:(?P<months>\d+(?:[.,]\d+)?)M)?(?:(?P<weeks>\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<days>\d+(?:[.,]\d+)?)D)?(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$"
)
_CTID = re.compile(r"(ce-[0-9a-fA-F-]{36})/?$")


@dataclass
class Reading:
    """What a reader found: the catalog values of each readable record, and the ones it skipped."""

    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (position, values)
    skipped: list[SkippedRow] = field(default_factory=list)

    def skip(self, position: int, reason: str) -> None:
        self.skipped.append(SkippedRow(position, reason))


def as_list(value: Any) -> list[Any]:
    """``None`` → ``[]``, a list stays, anything else becomes a one-item list."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def types_of(node: Any, key: str = "type") -> set[str]:
    """The ``type`` (or ``@type``) values of a JSON-LD node, without prefixes such as ``ceterms:``."""
    if not isinstance(node, dict):
        return set()
    raw = as_list(node.get(key)) + as_list(node.get("@type"))
    return {str(t).rsplit(":", 1)[-1].rsplit("/", 1)[-1].rsplit("#", 1)[-1] for t in raw if t}


def _tag_matches(tag: str, language: str) -> int:
    """3 exact tag, 2 same primary language, 0 no match (tags compared case-insensitively)."""
    tag, language = tag.lower().replace("_", "-"), language.lower().replace("_", "-")
    if tag == language:
        return 3
    return 2 if tag.split("-")[0] == language.split("-")[0] else 0


def lang_values(value: Any, language: str = "en") -> list[str]:
    """Every string of ``value`` in ``language``.

    Accepts a plain string, a JSON-LD language map (``{"en-US": "..."}`` or ``{"en": ["a", "b"]}``),
    a value object (``{"@value": "...", "@language": "en"}``) or a list of these. The requested
    language wins (``en`` also matches ``en-US``), then English, then the first language given.
    """
    plain: list[str] = []
    by_language: dict[str, list[str]] = {}
    for item in as_list(value):
        if isinstance(item, str):
            plain.append(item)
        elif isinstance(item, dict) and "@value" in item:
            by_language.setdefault(str(item.get("@language") or ""), []).append(str(item["@value"]))
        elif isinstance(item, dict):
            for tag, text in item.items():
                if not str(tag).startswith("@"):
                    by_language.setdefault(str(tag), []).extend(str(t) for t in as_list(text) if t is not None)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            plain.append(str(item))
    if by_language:
        chosen = _best_tag(by_language, language) or _best_tag(by_language, "en")
        chosen = chosen if chosen is not None else ("" if "" in by_language else next(iter(by_language)))
        plain = by_language[chosen] + plain
    return [t.strip() for t in plain if t.strip()]


def _best_tag(tags: dict[str, list[str]], wanted: str) -> str | None:
    scores = {tag: _tag_matches(tag, wanted) for tag in tags}
    best = max(scores, key=lambda tag: scores[tag])
    return best if scores[best] else None


def lang_text(value: Any, language: str = "en", *, sep: str = "\n\n") -> str:
    """The text of ``value`` in ``language`` (see :func:`lang_values`); several values joined by ``sep``."""
    return sep.join(dict.fromkeys(lang_values(value, language)))


def duration_hours(value: Any) -> float | None:
    """Hours of an ISO 8601 duration with only a time part (``PT40H``, ``PT1H30M``); else ``None``.

    Durations with years, months, weeks or days (``P3M``) are calendar time, not learning hours,
    so they are not converted.
    """
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value.strip().upper())
    if match is None or value.strip().upper() in ("P", "PT"):
        return None
    parts = {k: float(v.replace(",", ".")) if v else 0.0 for k, v in match.groupdict().items()}
    if any(parts[k] for k in ("years", "months", "weeks", "days")):
        return None
    return round(parts["hours"] + parts["minutes"] / 60 + parts["seconds"] / 3600, 4)


def is_esco_skill(uri: Any) -> bool:
    """True for an ESCO skill concept URI (``http://data.europa.eu/esco/skill/<uuid>``)."""
    return isinstance(uri, str) and ESCO_SKILL.match(uri.strip()) is not None


def node_id(node: Any) -> str:
    """The identifier of a node or reference: ``@id``/``id``, or the string itself."""
    if isinstance(node, str):
        return node.strip()
    if isinstance(node, dict):
        return str(node.get("@id") or node.get("id") or "").strip()
    return ""


def ctid_of(reference: str) -> str:
    """``https://credentialengineregistry.org/resources/ce-<uuid>`` → ``ce-<uuid>``; else unchanged."""
    match = _CTID.search(reference)
    return match.group(1).lower() if match else reference


def keywords_line(label: str, values: list[str]) -> str:
    """``"Keywords: a, b"``: a line the text matcher reads as a list of items (empty without values)."""
    values = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    return f"{label}: {', '.join(values)}" if values else ""


def join_text(*parts: str) -> str:
    """Non-empty parts separated by blank lines."""
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def top_items(document: Any) -> Iterator[tuple[int, Any]]:
    """The records of a document with their 1-based positions.

    A list gives its items; an object with ``@graph`` gives the graph's nodes; an object that is
    a wrapper around one list of objects (``{"achievements": [...]}``) gives that list; any other
    object is one item.
    """
    if isinstance(document, list):
        yield from enumerate(document, start=1)
        return
    if isinstance(document, dict):
        if isinstance(document.get("@graph"), list):
            yield from enumerate(document["@graph"], start=1)
            return
        lists = [v for k, v in document.items() if isinstance(v, list) and not str(k).startswith("@")]
        looks_like_record = any(k in document for k in ("type", "@type", "id", "@id", "name", "title"))
        if not looks_like_record and len(lists) == 1 and all(isinstance(v, dict) for v in lists[0]):
            yield from enumerate(lists[0], start=1)
            return
    yield 1, document
