"""European Learning Model v3 (Europass digital credentials and micro-credentials) as catalog records.

A record is a learning achievement specification: standalone, in a list or graph, the
``learningAchievementSpecification`` of a ``LearningOpportunity``, or the ``specifiedBy`` of a claim
(``credentialSubject.hasClaim[]``, with ``hasPart`` sub-claims stacking into their parent) in a
``EuropeanDigitalCredential``. Read: ``title``, ``description``, ``learningOutcome[]`` (titles
into the text; ``relatedESCOSkill[]`` ESCO URIs → declared skills with those ids;
``relatedSkill[]`` names), ``creditPoint`` (ECTS), ``volumeOfLearning`` (ISO 8601 → hours; without
it, ECTS × 27.5 h, the middle of the ECTS Users' Guide's 25–30 h per credit), ``eqfLevel`` (or an
EQF ``educationLevel``), ``language``, ``awardingBody`` (of the claim's ``awardedBy``, or of the
specification's ``awardingOpportunity``), ``entryRequirement`` (a credential of the same file it
names by title or id becomes a prerequisite), ``hasPart``/``isPartOf`` and ``homepage``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .common import Reading, as_list, duration_hours, is_esco_skill, join_text, lang_text, node_id, types_of

SPEC_TYPES = {"LearningAchievementSpecification", "LearningSpecification", "Qualification"}
CREDENTIAL_TYPES = {"EuropeanDigitalCredential", "EuropassCredential", "VerifiableCredential"}
ECTS_HOURS = 27.5
# EU Publications Office language authority codes → ISO 639-1 (the EU's official languages and a few more).
_LANGUAGES = {
    "BUL": "bg", "CES": "cs", "DAN": "da", "DEU": "de", "ELL": "el", "ENG": "en", "EST": "et", "FIN": "fi",
    "FRA": "fr", "GLE": "ga", "HRV": "hr", "HUN": "hu", "ITA": "it", "LAV": "lv", "LIT": "lt", "MLT": "mt",
    "NLD": "nl", "POL": "pl", "POR": "pt", "RON": "ro", "SLK": "sk", "SLV": "sl", "SPA": "es", "SWE": "sv",
    "NOR": "no", "ISL": "is", "TUR": "tr", "ARA": "ar", "RUS": "ru", "UKR": "uk", "ZHO": "zh",
}  # fmt: skip


def looks_like(node: Any) -> bool:
    """True for an ELM document: a Europass context, or an ELM credential or specification type."""
    if not isinstance(node, dict):
        return False
    context = " ".join(str(c) for c in as_list(node.get("@context")))
    types = types_of(node)
    return (
        "data.europa.eu/snb" in context
        or bool(types & (SPEC_TYPES | {"EuropeanDigitalCredential", "EuropassCredential", "LearningOpportunity"}))
        or ("learningOutcome" in node and "title" in node)
    )


def _language(concepts: Any, wanted: str) -> str:
    codes: list[str] = []
    for concept in as_list(concepts):
        code = node_id(concept).rstrip("/").rsplit("/", 1)[-1]
        codes.append(_LANGUAGES.get(code.upper(), code.lower()))
    return wanted if wanted in codes else (codes[0] if codes else "")


def _organisation(node: Any, language: str) -> str:
    if not isinstance(node, dict):
        return ""
    return lang_text(node.get("legalName") or node.get("prefLabel") or node.get("name"), language, sep=" ")


def _eqf(spec: dict[str, Any], language: str) -> str:
    for concept in as_list(spec.get("eqfLevel")) + as_list(spec.get("educationLevel")):
        uri = node_id(concept)
        match = re.search(r"/eqf/(\d)", uri)
        if match:
            return f"EQF {match.group(1)}"
        if "eqfLevel" in spec and isinstance(concept, (int, str)) and str(concept).strip().isdigit():
            return f"EQF {str(concept).strip()}"
        label = lang_text(concept.get("prefLabel"), language, sep=" ") if isinstance(concept, dict) else ""
        if label and "eqf" in (uri + label).lower():
            return label
    return ""


def _ects(spec: dict[str, Any]) -> float | None:
    total: float | None = None
    for credit in as_list(spec.get("creditPoint")):
        if not isinstance(credit, dict):
            continue
        framework = str(credit.get("framework") or "")
        if framework and "ects" not in framework.lower() and "6fcec5c5af" not in framework:
            continue  # another credit system
        try:
            total = (total or 0.0) + float(str(credit.get("point")).replace(",", "."))
        except ValueError:
            continue
    return total


def _values(spec: dict[str, Any], awarding: str, parent: str, language: str) -> dict[str, Any] | str:
    title = lang_text(spec.get("title"), language, sep=" ")
    if not title:
        return "the specification has no title"
    skills: list[str] = []
    outcomes: list[str] = []
    for outcome in as_list(spec.get("learningOutcome")):
        if not isinstance(outcome, dict):
            continue
        outcomes += [f"- {t}" for t in [lang_text(outcome.get("title"), language, sep=" ")] if t]
        for skill in as_list(outcome.get("relatedESCOSkill")):
            uri = node_id(skill)
            if is_esco_skill(uri):
                skills.append(uri.rstrip("/"))
            elif isinstance(skill, dict) and lang_text(skill.get("prefLabel"), language):
                skills.append(lang_text(skill.get("prefLabel"), language, sep=" "))
        for skill in as_list(outcome.get("relatedSkill")):
            name = lang_text(skill.get("prefLabel"), language, sep=" ") if isinstance(skill, dict) else ""
            skills += [name] if name else []
    text = join_text(
        lang_text(spec.get("description"), language),
        "Learning outcomes:\n" + "\n".join(outcomes) if outcomes else "",
    )
    if not text and not skills:
        return "the specification has no description, learning outcomes or ESCO skills to profile"
    ects = _ects(spec)
    hours: Any = duration_hours(spec.get("volumeOfLearning"))
    if hours is None:
        hours = ects * ECTS_HOURS if ects else (spec.get("volumeOfLearning") or None)
    bodies = [_organisation(b, language) for b in as_list(spec.get("awardingBody"))]
    for opportunity in as_list(spec.get("awardingOpportunity")):
        if isinstance(opportunity, dict):
            bodies += [_organisation(b, language) for b in as_list(opportunity.get("awardingBody"))]
    requirement = spec.get("entryRequirement")
    homepage = next((node_id(h.get("contentURL", h)) for h in as_list(spec.get("homepage")) if h), "")
    types = sorted(types_of(spec) & SPEC_TYPES)
    return {
        "id": node_id(spec),
        "title": title,
        "text": text,
        "skills": list(dict.fromkeys(skills)),
        "hours": hours,
        "provider": ", ".join(dict.fromkeys(b for b in [awarding, *bodies] if b)),
        "language": _language(spec.get("language"), language),
        "level": _eqf(spec, language),
        "type": types[0] if types else "",
        "url": homepage if homepage.startswith(("http://", "https://")) else "",
        "stacks_into": [p for p in [parent, *(node_id(r) for r in as_list(spec.get("isPartOf")))] if p],
        "_has_part": [node_id(r) for r in as_list(spec.get("hasPart")) if node_id(r)],
        "_entry": lang_text(requirement.get("noteLiteral"), language) if isinstance(requirement, dict) else "",
    }


def _claims(claims: Any, awarding: str, parent: str, where: str, language: str) -> list[tuple[Any, str, str, str]]:
    """(specification, awarding body name, parent spec id, where) for claims and their parts."""
    found: list[tuple[Any, str, str, str]] = []
    for c, claim in enumerate(as_list(claims)):
        if not isinstance(claim, dict):
            found.append((None, awarding, parent, f"{where}[{c}]"))
            continue
        body = awarding
        for awarded in as_list(claim.get("awardedBy")):
            if isinstance(awarded, dict):
                body = ", ".join(_organisation(b, language) for b in as_list(awarded.get("awardingBody"))) or body
        spec = claim.get("specifiedBy")
        spec = spec[0] if isinstance(spec, list) and spec else spec
        found.append((spec, body, parent, f"{where}[{c}].specifiedBy"))
        found += _claims(claim.get("hasPart"), body, node_id(spec), f"{where}[{c}].hasPart", language)
    return found


def read(items: Iterable[tuple[int, Any]], language: str = "en") -> Reading:
    """Read every learning achievement specification of an ELM document (see the module docstring)."""
    reading = Reading()
    for position, node in items:
        types = types_of(node)
        if not isinstance(node, dict):
            found: list[tuple[Any, str, str, str]] = [(None, "", "", f"item {position}")]
        elif types & SPEC_TYPES or ("learningOutcome" in node and "title" in node):
            found = [(node, "", "", f"item {position}")]
        elif "LearningOpportunity" in types:
            specs = as_list(node.get("learningAchievementSpecification"))
            found = [(spec, "", "", f"item {position}.learningAchievementSpecification") for spec in specs]
        elif "credentialSubject" in node or types & CREDENTIAL_TYPES:
            subject = node.get("credentialSubject")
            subject = subject if isinstance(subject, dict) else {}
            claims = subject.get("hasClaim") or subject.get("achieved")
            found = _claims(claims, "", "", f"item {position} credentialSubject.hasClaim", language)
        else:
            found = []
        if not found:
            kinds = ", ".join(sorted(types)) or "no type"
            reading.skip(position, f"item {position} holds no learning achievement specification ({kinds})")
        for spec, awarding, parent, where in found:
            if not isinstance(spec, dict):
                reading.skip(position, f"{where}: not a specification object (embed the specification, not a link)")
                continue
            values = _values(spec, awarding, parent, language)
            if isinstance(values, str):
                reading.skip(position, f"{where}: {values}")
            else:
                reading.records.append((position, values))
    _link(reading)
    return reading


def _link(reading: Reading) -> None:
    """hasPart → the parts stack into the whole; entry requirements naming another record → prerequisites."""
    records = [values for _, values in reading.records]
    parent_of: dict[str, list[str]] = {}
    for values in records:
        for part in values.pop("_has_part"):
            parent_of.setdefault(part, []).append(values["id"])
    for values in records:
        values["stacks_into"] = list(dict.fromkeys(values["stacks_into"] + parent_of.get(values["id"], [])))
        entry = values.pop("_entry").casefold()
        values["requires"] = [
            other["id"]
            for other in records
            if entry and other is not values and other["id"]
            and (other["id"].casefold() in entry or other["title"].casefold() in entry)
        ]  # fmt: skip
