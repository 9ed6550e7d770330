"""Job postings as people already have them: schema.org ``JobPosting`` JSON-LD, alone or inside a web page.

Job boards publish each posting as a ``<script type="application/ld+json">`` block holding a
schema.org ``JobPosting`` (Google's job search reads the same block). :func:`postings_in_jsonld` finds
every posting in a JSON-LD document (top level, a list, ``@graph`` or nested), :func:`postings_in_html`
in a page (extruct's JSON-LD extractor: the ``files`` extra), and :func:`read_job_postings` in a file of
either kind. Each becomes a :class:`JobPosting`: ``title``, and ``text`` made of the description
(HTML tags removed) and the ``responsibilities``, ``qualifications``, ``skills``,
``experienceRequirements``, ``educationRequirements`` and ``occupationalCategory`` it states.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from ..extras import import_extra

__all__ = [
    "JobPosting",
    "looks_like_html",
    "looks_like_jsonld_posting",
    "posting_from_node",
    "postings_in_html",
    "postings_in_jsonld",
    "read_job_postings",
]

POSTING_TYPE = "JobPosting"
# schema.org properties read into the text, in this order, with the heading each gets.
SECTIONS = (
    ("responsibilities", "Responsibilities"),
    ("qualifications", "Qualifications"),
    ("skills", "Skills"),
    ("experienceRequirements", "Experience"),
    ("educationRequirements", "Education"),
    ("occupationalCategory", "Occupation"),
)
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(?:br|/p|/li|/h[1-6]|/div|/tr)\s*/?>", re.IGNORECASE)
_ITEM = re.compile(r"<\s*li[^>]*>", re.IGNORECASE)
_BLANKS = re.compile(r"[ \t\r\f\v]+")


@dataclass(frozen=True)
class JobPosting:
    """A schema.org JobPosting read into what the engine takes: an id (``identifier`` or ``url``), a title, a text."""

    id: str
    title: str
    text: str


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type", node.get("type"))
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if v}


def _nodes(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``value`` (lists and ``@graph`` walked), outermost first."""
    if depth > 50:
        return
    if isinstance(value, dict):
        yield value
        for item in value.values():
            if isinstance(item, (dict, list)):
                yield from _nodes(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item, depth + 1)


def html_to_text(value: str) -> str:
    """Text of an HTML fragment (a JobPosting ``description`` usually is one): tags out, entities decoded."""
    if "<" not in value and "&" not in value:
        return value.strip()
    text = _ITEM.sub("\n- ", _BREAK.sub("\n", value))
    text = html.unescape(_TAG.sub(" ", text))
    lines = (_BLANKS.sub(" ", line).strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _strings(value: Any) -> list[str]:
    """Plain strings of a property: a string, a list, or nodes (``DefinedTerm``, ``CategoryCode``, ...) by name."""
    found: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            text = html_to_text(item)
        elif isinstance(item, dict):
            name = item.get("name") or item.get("credentialCategory") or item.get("description")
            if isinstance(name, dict):  # e.g. educationRequirements' credentialCategory as a node
                name = name.get("name") or name.get("@id")
            code = item.get("codeValue")
            text = html_to_text(str(name)) if name else ""
            text = f"{text} ({code})" if text and code else text or (str(code) if code else "")
            if not text and item.get("monthsOfExperience") is not None:
                text = f"{item['monthsOfExperience']} months of experience"
        elif isinstance(item, (int, float)):
            text = str(item)
        else:
            text = ""
        if text:
            found.append(text)
    return found


def posting_from_node(node: dict[str, Any], position: int = 1) -> JobPosting:
    """One JobPosting node → :class:`JobPosting`; a posting with neither description nor any section has no text."""
    title = " ".join(_strings(node.get("title")) or _strings(node.get("name")))
    parts = _strings(node.get("description"))
    for key, heading in SECTIONS:
        values = _strings(node.get(key))
        if values:
            joined = values[0] if len(values) == 1 else "\n".join(f"- {v}" for v in values)
            parts.append(f"{heading}: {joined}" if len(values) == 1 else f"{heading}:\n{joined}")
    identifier = node.get("identifier")
    if isinstance(identifier, dict):
        identifier = identifier.get("value") or identifier.get("name")
    posting_id = str(identifier or node.get("url") or node.get("@id") or position)
    return JobPosting(id=posting_id, title=title, text="\n\n".join(parts).strip())


def looks_like_jsonld_posting(data: Any) -> bool:
    """Whether a parsed JSON value holds a schema.org JobPosting."""
    return any(POSTING_TYPE in _types(node) for node in _nodes(data))


def postings_in_jsonld(data: Any) -> list[JobPosting]:
    """Every JobPosting in a parsed JSON-LD value (a posting inside another posting is not read twice)."""
    postings = [node for node in _nodes(data) if POSTING_TYPE in _types(node)]
    return [posting_from_node(node, i) for i, node in enumerate(postings, start=1)]


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<head" in head or "<body" in head)


def postings_in_html(page: str, *, source: str = "the page") -> list[JobPosting]:
    """Every JobPosting in the JSON-LD blocks of an HTML page (extruct, the ``files`` extra)."""
    extractor = import_extra("extruct.jsonld", "files").JsonLdExtractor()
    try:
        blocks = extractor.extract(page)
    except Exception as exc:  # extruct raises lxml and JSON errors of its own: the page is not usable
        raise InvalidInputError(f"{source}: its JSON-LD could not be read ({exc}); check the page") from exc
    return postings_in_jsonld(blocks)


def read_job_postings(path: str | Path, text: str | None = None) -> list[JobPosting]:
    """The JobPostings of a ``.json`` JSON-LD file or an HTML page (``text``: its content, already read).

    Raises :class:`InvalidInputError` naming the file when it holds none.
    """
    source = str(path)
    content = text if text is not None else Path(path).read_text(encoding="utf-8-sig")
    if looks_like_html(content) or Path(path).suffix.lower() in (".html", ".htm"):
        postings = postings_in_html(content, source=source)
        where = 'in the page\'s JSON-LD blocks (<script type="application/ld+json">)'
    else:
        try:
            data = json.loads(content)
        except ValueError as exc:
            raise InvalidInputError(f"{source} is not valid JSON ({exc}); give a JobPosting JSON-LD file") from exc
        postings = postings_in_jsonld(data)
        where = "in it"
    if not postings:
        raise InvalidInputError(
            f'{source}: no schema.org JobPosting {where}; give a posting\'s JSON-LD ("@type": "JobPosting") or its text'
        )
    return postings
