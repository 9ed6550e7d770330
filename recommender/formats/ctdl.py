"""Credential Engine CTDL (JSON-LD): credentials and learning opportunities as catalog records.

Read: ``ceterms:ctid`` (else ``@id``), ``ceterms:name``, ``ceterms:description``,
``ceterms:ownedBy``/``offeredBy`` (organisation names, resolved inside the document),
``ceterms:estimatedDuration`` (``exactDuration``, else the middle of ``minimumDuration`` and
``maximumDuration``; only time durations such as ``PT40H`` are hours), ``ceterms:estimatedCost``
(``price`` and ``currency``), ``ceterms:teaches`` and the ``ceterms:targetCompetency`` of
``ceterms:requires``/``recommends`` (``targetNodeName``, or an ESCO ``targetNode`` as a declared
skill with that id), the ``targetCredential``/``targetLearningOpportunity`` of ``ceterms:requires``
(prerequisites), ``ceterms:isPartOf``/``hasPart`` (stackability), ``ceterms:keyword``,
``ceterms:inLanguage``, ``ceterms:audienceLevelType`` (level) and ``ceterms:subjectWebpage``.
Language maps (``{"en-US": "..."}``) are read in the requested language, with a fallback.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .common import (
    Reading,
    as_list,
    ctid_of,
    duration_hours,
    is_esco_skill,
    join_text,
    keywords_line,
    lang_text,
    lang_values,
    node_id,
    types_of,
)

# Node types that describe something else (organisations, profiles, competencies), not a record.
AUXILIARY = {
    "CredentialOrganization", "QACredentialOrganization", "Organization", "Person", "Agent",
    "ConditionProfile", "CostProfile", "DurationProfile", "CredentialAlignmentObject", "Place",
    "ContactPoint", "IdentifierValue", "JurisdictionProfile", "ProcessProfile", "Competency",
    "CompetencyFramework", "ConceptScheme", "Concept", "CostManifest", "ConditionManifest",
    "FinancialAssistanceProfile", "AggregateDataProfile", "ValueProfile", "QuantitativeValue",
}  # fmt: skip
PREREQUISITE_KEYS = ("ceterms:targetCredential", "ceterms:targetLearningOpportunity", "ceterms:targetAssessment")


def looks_like(node: Any) -> bool:
    """True for a CTDL node (``ceterms:`` properties or a Credential Engine context)."""
    if not isinstance(node, dict):
        return False
    context = " ".join(str(c) for c in as_list(node.get("@context")))
    if "credreg.net" in context or "purl.org/ctdl" in context:
        return True
    return any(str(key).startswith("ceterms:") for key in node)


def is_record(node: Any) -> bool:
    """A credential, course, learning programme or assessment (not an organisation or a profile)."""
    if not isinstance(node, dict) or ("ceterms:name" not in node and "ceterms:ctid" not in node):
        return False
    types = types_of(node, "@type")
    return not types & AUXILIARY and not any(str(t).startswith("ceasn:") for t in as_list(node.get("@type")))


class _Document:
    """Nodes of one CTDL document by ``@id`` and ctid, to resolve references."""

    def __init__(self, nodes: list[Any], language: str) -> None:
        self.language = language
        self.nodes: dict[str, dict[str, Any]] = {}
        for node in nodes:
            if isinstance(node, dict):
                for key in (node_id(node), str(node.get("ceterms:ctid") or "")):
                    if key:
                        self.nodes.setdefault(key, node)

    def resolve(self, reference: Any) -> dict[str, Any]:
        """The node a reference points to (the reference itself when it is an embedded node)."""
        if isinstance(reference, dict) and len(reference) > 1:
            return reference
        return self.nodes.get(node_id(reference), reference if isinstance(reference, dict) else {})

    def record_id(self, reference: Any) -> str:
        """The catalog id a reference names: the ctid of the node, else the ctid in its URI."""
        node = self.resolve(reference)
        ctid = str(node.get("ceterms:ctid") or "").strip() if node else ""
        return ctid or ctid_of(node_id(reference))

    def names(self, references: Any) -> list[str]:
        out = [lang_text(self.resolve(r).get("ceterms:name"), self.language, sep=" ") for r in as_list(references)]
        return [name for name in out if name]

    def competencies(self, alignments: Any) -> list[str]:
        """Declared skills of alignment objects: an ESCO ``targetNode`` URI, else the node's name."""
        skills: list[str] = []
        for alignment in as_list(alignments):
            node = self.resolve(alignment) if not isinstance(alignment, dict) else alignment
            target = node_id(node.get("ceterms:targetNode")) if isinstance(node, dict) else ""
            if is_esco_skill(target):
                skills.append(target.rstrip("/"))
                continue
            name = lang_text(node.get("ceterms:targetNodeName"), self.language, sep=" ") if node else ""
            if not name and target:  # a competency node of the same document
                competency = self.resolve(target)
                name = lang_text(
                    competency.get("ceasn:competencyLabel") or competency.get("ceasn:competencyText"),
                    self.language,
                    sep=" ",
                )
            if name:
                skills.append(name)
        return skills


def _hours(profiles: Any) -> float | str | None:
    """Hours of the first duration profile that states them; the raw duration when none converts."""
    raw: str | None = None
    for profile in as_list(profiles):
        if not isinstance(profile, dict):
            continue
        exact = profile.get("ceterms:exactDuration")
        if duration_hours(exact) is not None:
            return duration_hours(exact)
        low, high = (duration_hours(profile.get(k)) for k in ("ceterms:minimumDuration", "ceterms:maximumDuration"))
        if low is not None or high is not None:
            known = [h for h in (low, high) if h is not None]
            return sum(known) / len(known)
        raw = raw or next(
            (str(profile[k]) for k in ("ceterms:exactDuration", "ceterms:minimumDuration") if profile.get(k)), None
        )
    return raw


def _cost(profiles: Any) -> tuple[float | None, str]:
    """Total price of the cost profiles that share the first priced profile's currency and audience."""
    total: float | None = None
    key: tuple[str, str] | None = None
    for profile in as_list(profiles):
        if not isinstance(profile, dict):
            continue
        try:
            price = float(profile.get("ceterms:price"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        audience = " ".join(sorted(node_id(a) for a in as_list(profile.get("ceterms:audienceType"))))
        audience += " ".join(sorted(node_id(a) for a in as_list(profile.get("ceterms:residencyType"))))
        this = (str(profile.get("ceterms:currency") or "").upper(), audience)
        if key is None:
            key, total = this, 0.0
        if this == key and price >= 0:
            total = (total or 0.0) + price
    return total, key[0] if key else ""


def _level(alignments: Any, language: str) -> str:
    for alignment in as_list(alignments):
        if isinstance(alignment, dict):
            name = lang_text(alignment.get("ceterms:targetNodeName"), language, sep=" ")
            target = node_id(alignment.get("ceterms:targetNode"))
            level = name or target.split(":")[-1]
            if level:
                return level.removesuffix(" Level").removesuffix("Level").strip()
    return ""


def _values(node: dict[str, Any], doc: _Document) -> dict[str, Any] | str:
    language = doc.language
    title = lang_text(node.get("ceterms:name"), language, sep=" ")
    if not title:
        return "the record has no ceterms:name"
    skills = doc.competencies(node.get("ceterms:teaches"))
    prerequisites: list[str] = []
    for key in ("ceterms:requires", "ceterms:recommends"):
        for condition in as_list(node.get(key)):
            condition = doc.resolve(condition)
            skills += doc.competencies(condition.get("ceterms:targetCompetency"))
            if key == "ceterms:requires":
                prerequisites += [doc.record_id(r) for k in PREREQUISITE_KEYS for r in as_list(condition.get(k))]
    text = join_text(
        lang_text(node.get("ceterms:description"), language),
        keywords_line("Keywords", lang_values(node.get("ceterms:keyword"), language)),
    )
    if not text and not skills:
        return "the record has no ceterms:description, keywords or competencies to profile"
    cost, currency = _cost(node.get("ceterms:estimatedCost"))
    languages = [str(v) for v in as_list(node.get("ceterms:inLanguage")) if v]
    types = sorted(types_of(node, "@type"))
    return {
        "id": str(node.get("ceterms:ctid") or "").strip() or node_id(node),
        "title": title,
        "text": text,
        "skills": list(dict.fromkeys(skills)),
        "provider": ", ".join(dict.fromkeys(doc.names(node.get("ceterms:ownedBy")) + doc.names(
            node.get("ceterms:offeredBy")))),
        "hours": _hours(node.get("ceterms:estimatedDuration")),
        "cost": cost,
        "currency": currency,
        "language": languages[0] if languages else "",
        "level": _level(node.get("ceterms:audienceLevelType"), language),
        "type": types[0] if types else "",
        "url": str(node_id(node.get("ceterms:subjectWebpage")) or "").strip(),
        "requires": [p for p in dict.fromkeys(prerequisites) if p],
        "stacks_into": [doc.record_id(r) for r in as_list(node.get("ceterms:isPartOf")) if node_id(r) or r],
        "_has_part": [doc.record_id(r) for r in as_list(node.get("ceterms:hasPart")) if node_id(r) or r],
    }  # fmt: skip


def read(items: Iterable[tuple[int, Any]], language: str = "en") -> Reading:
    """Read every credential and learning opportunity of a CTDL document (see the module docstring)."""
    items = list(items)
    doc = _Document([node for _, node in items], language)
    reading = Reading()
    for position, node in items:
        if not isinstance(node, dict):
            reading.skip(position, f"item {position} is a JSON {type(node).__name__}, not a CTDL object")
        elif is_record(node):
            values = _values(node, doc)
            if isinstance(values, str):
                reading.skip(position, f"item {position} ({node.get('ceterms:ctid') or node_id(node)}): {values}")
            else:
                reading.records.append((position, values))
        elif not looks_like(node) and not types_of(node, "@type"):
            reading.skip(position, f"item {position} has no ceterms: properties; it is not a CTDL record")
    # hasPart on the larger credential means its parts stack into it.
    parent_of: dict[str, list[str]] = {}
    for _, values in reading.records:
        for part in values.pop("_has_part"):
            parent_of.setdefault(part, []).append(values["id"])
    for _, values in reading.records:
        values["stacks_into"] = list(dict.fromkeys(values["stacks_into"] + parent_of.get(values["id"], [])))
    return reading
