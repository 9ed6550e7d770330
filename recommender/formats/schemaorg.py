"""schema.org ``Course`` and ``EducationalOccupationalCredential``: the JSON-LD course pages publish.

Course catalogues (and Google's course rich results) describe each course as a schema.org
``Course``; certificates and micro-credentials as an ``EducationalOccupationalCredential``. Read:
``identifier``/``courseCode``/``@id``/``url`` (the id), ``name``, ``description``, ``provider.name``
(else ``recognizedBy.name``), ``teaches`` and ``competencyRequired`` (declared skills: text, a
``DefinedTerm``'s name, or an ESCO skill URI), ``keywords`` and ``about`` (into the text),
``educationalLevel``, ``inLanguage``, ``timeRequired`` or a ``hasCourseInstance``'s ``courseWorkload``
(learning hours: ``PT40H``), ``offers`` (``price``, ``priceCurrency``; the lowest offer),
``credentialCategory`` (the type), ``coursePrerequisites`` (a prerequisite course's id) and
``educationalCredentialAwarded`` (the credential a course stacks into, by id).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .common import Reading, as_list, duration_hours, is_esco_skill, join_text, keywords_line, lang_text, types_of

TYPES = {"Course", "EducationalOccupationalCredential"}
_TERM_KEYS = ("name", "termCode", "@id", "url")


def looks_like(node: Any) -> bool:
    """True for a schema.org Course or EducationalOccupationalCredential (or a list/graph holding one)."""
    return isinstance(node, dict) and bool(types_of(node) & TYPES)


def _names(value: Any, language: str) -> list[str]:
    """Plain names of a property: strings, language maps, or nodes by name (``DefinedTerm``, ``Thing``)."""
    found: list[str] = []
    for item in as_list(value):
        if isinstance(item, dict) and not ("@value" in item or "@language" in item):
            url = str(item.get("@id") or item.get("url") or "")
            if is_esco_skill(url):
                found.append(url.rstrip("/"))
                continue
            name = lang_text(item.get("name"), language, sep=" ") or str(item.get("termCode") or "")
            if name:
                found.append(name)
        else:
            text = lang_text(item, language, sep=" ")
            if text:
                found.extend(part.strip() for part in text.split(",") if part.strip())
    return found


def _reference(value: Any) -> list[str]:
    """Ids of referenced nodes: ``@id``, ``identifier``, ``courseCode`` or ``url``, or a URL (a prerequisite
    given as prose, "basic SQL", goes into the text instead: :func:`_prose`)."""
    ids: list[str] = []
    for item in as_list(value):
        if isinstance(item, str) and item.strip().startswith(("http://", "https://")):
            ids.append(item.strip())
        elif isinstance(item, dict) and not ("@value" in item or "@language" in item):
            ref = item.get("@id") or item.get("identifier") or item.get("courseCode") or item.get("url")
            if ref:
                ids.append(str(ref).strip())
    return ids


def _prose(value: Any, language: str) -> list[str]:
    """Prerequisites written as text rather than as references."""
    return [
        text
        for item in as_list(value)
        if not isinstance(item, dict) or "@value" in item or "@language" in item
        for text in [lang_text(item, language, sep=" ")]
        if text and not text.startswith(("http://", "https://"))
    ]


def _lowest_offer(node: dict[str, Any]) -> tuple[Any, str]:
    """The lowest priced offer (price, currency); ``(None, "")`` without one."""
    best: tuple[float, str] | None = None
    for offer in as_list(node.get("offers")):
        if not isinstance(offer, dict):
            continue
        try:
            price = float(str(offer.get("price")).replace(",", ""))
        except ValueError:
            continue
        if best is None or price < best[0]:
            best = (price, str(offer.get("priceCurrency") or "").strip().upper())
    return (best[0], best[1]) if best is not None else (None, "")


def _hours(node: dict[str, Any]) -> Any:
    """Learning hours: ``timeRequired``, else the first course instance's ``courseWorkload`` (as given when
    it is calendar time, which the caller counts as unparsed)."""
    given = node.get("timeRequired")
    if given is None:
        instances = [i for i in as_list(node.get("hasCourseInstance")) if isinstance(i, dict)]
        given = next((i.get("courseWorkload") for i in instances if i.get("courseWorkload")), None)
    if given is None:
        return None
    hours = duration_hours(given)
    return hours if hours is not None else str(given)


def _values(node: dict[str, Any], language: str) -> dict[str, Any] | str:
    """The catalog values of one Course or credential, or the reason it cannot be read."""
    title = lang_text(node.get("name"), language, sep=" ")
    if not title:
        return "it has no name"
    skills = _names(node.get("teaches"), language) + _names(node.get("competencyRequired"), language)
    text = join_text(
        lang_text(node.get("description"), language),
        keywords_line("Keywords", _names(node.get("keywords"), language)),
        keywords_line("About", _names(node.get("about"), language)),
        keywords_line("Prerequisites", _prose(node.get("coursePrerequisites"), language)),
    )
    if not text and not skills:
        return "it has no description, teaches or competencyRequired to profile"
    provider = node.get("provider") or node.get("recognizedBy")
    provider_name = _names(provider, language)
    cost, currency = _lowest_offer(node)
    identifier = node.get("identifier")
    if isinstance(identifier, dict):
        identifier = identifier.get("value") or identifier.get("name")
    identifier = identifier or node.get("courseCode") or node.get("@id") or node.get("url") or ""
    url = str(node.get("url") or (identifier if str(identifier).startswith(("http://", "https://")) else ""))
    kind = _names(node.get("credentialCategory"), language)
    return {
        "id": str(identifier).strip(),
        "title": title,
        "text": text,
        "skills": list(dict.fromkeys(skills)),
        "provider": provider_name[0] if provider_name else "",
        "language": str(as_list(node.get("inLanguage"))[0] if node.get("inLanguage") else "").strip(),
        "level": ", ".join(_names(node.get("educationalLevel"), language)),
        "hours": _hours(node),
        "cost": cost,
        "currency": currency,
        "url": url,
        "type": kind[0] if kind else ("course" if "Course" in types_of(node) else "credential"),
        "requires": _reference(node.get("coursePrerequisites")),
        "stacks_into": _reference(node.get("educationalCredentialAwarded")),
    }


def read(items: Iterable[tuple[int, Any]], language: str = "en") -> Reading:
    """Read every Course and EducationalOccupationalCredential of a document (see the module docstring)."""
    reading = Reading()
    for position, node in items:
        if not isinstance(node, dict):
            reading.skip(position, f"item {position} is a JSON {type(node).__name__}, not a Course object")
            continue
        if not looks_like(node):
            if types_of(node):
                continue  # an Organization, Offer, ... of the graph: described elsewhere, not a catalog entry
            reading.skip(position, f"item {position} has no @type: not a Course or EducationalOccupationalCredential")
            continue
        values = _values(node, language)
        if isinstance(values, str):
            reading.skip(position, f"item {position} ({', '.join(sorted(types_of(node)))}): {values}")
        else:
            reading.records.append((position, values))
    return reading
