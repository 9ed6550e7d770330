"""Skill profiles out as Open Badges 3.0 ``alignment`` entries, so providers can publish what we found.

Each credential becomes ``{"id", "name", "alignment": [...]}``, where every alignment is an Open
Badges 3.0 ``Alignment`` (``type``, ``targetName``, ``targetUrl``, ``targetDescription``,
``targetFramework``, ``targetCode``) for one skill of the credential's profile, strongest first.
Only skills with a URL id (ESCO concept URIs) can be published: ``targetUrl`` is required, so
catalog-local skills and skills of a vocabulary without URIs are left out and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInputError
from ..inputs.catalog import SKILL_SOURCES

if TYPE_CHECKING:
    from ..matching.engine import Recommender

ESCO_PREFIX = "http://data.europa.eu/esco/"
DESCRIPTION_CHARS = 300


@dataclass(frozen=True)
class AlignmentExport:
    """The exported credentials, and how many profile entries could not be published."""

    credentials: list[dict[str, Any]]
    alignments: int
    without_url: int  # profile entries whose skill has no URL id
    below_weight: int  # profile entries under ``min_weight``
    not_found: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        parts = [f"{len(self.credentials)} credentials, {self.alignments} alignments"]
        if self.without_url:
            parts.append(f"{self.without_url} skills without a URL left out (targetUrl is required)")
        if self.below_weight:
            parts.append(f"{self.below_weight} below the weight threshold")
        return "; ".join(parts)


def alignment(skill_id: str, label: str, description: str = "") -> dict[str, Any]:
    """One Open Badges 3.0 Alignment for a skill whose id is a URL."""
    entry: dict[str, Any] = {"type": ["Alignment"], "targetName": label, "targetUrl": skill_id}
    if description:
        text = " ".join(description.split())
        entry["targetDescription"] = text if len(text) <= DESCRIPTION_CHARS else text[: DESCRIPTION_CHARS - 1] + "…"
    if skill_id.startswith(ESCO_PREFIX):
        entry["targetFramework"] = "ESCO"
        entry["targetCode"] = skill_id.rstrip("/").rsplit("/", 1)[-1]
    return entry


def export_alignments(
    model: Recommender,
    *,
    ids: Sequence[str] | None = None,
    min_weight: float = 0.0,
    sources: Sequence[str] = SKILL_SOURCES,
) -> AlignmentExport:
    """Alignments for every credential of a fitted model (or the ``ids`` asked for).

    ``min_weight`` drops weak profile entries (declared exact matches weigh 1, text-found skills
    ``text_weight × similarity``); ``sources`` keeps ``declared`` and/or ``text`` entries. The model is
    read through ``credentials_`` and ``profile(id)`` only.
    """
    unknown_sources = sorted(set(sources) - set(SKILL_SOURCES))
    if unknown_sources or not sources:
        raise InvalidInputError(
            f"unknown skill source(s) {unknown_sources or sources}; use: {', '.join(SKILL_SOURCES)}"
        )
    if not 0 <= min_weight <= 1:
        raise InvalidInputError(f"--min-weight must be between 0 and 1 (got {min_weight:g})")
    titles = {c.id: c.title for c in model.credentials_}
    wanted = list(dict.fromkeys(ids)) if ids else list(titles)
    missing = tuple(i for i in wanted if i not in titles)
    if ids and len(missing) == len(wanted):
        raise InvalidInputError(f"none of the ids are in the index: {', '.join(missing[:5])}; check the ids")
    out: list[dict[str, Any]] = []
    total = without_url = below = 0
    for credential_id in wanted:
        if credential_id not in titles:
            continue
        alignments = []
        for entry in model.profile(credential_id):
            if entry.source not in sources:
                continue
            if entry.weight < min_weight:
                below += 1
            elif not entry.skill_id.startswith(("http://", "https://")):
                without_url += 1
            else:
                alignments.append(alignment(entry.skill_id, entry.label, entry.description))
        total += len(alignments)
        out.append({"id": credential_id, "name": titles[credential_id], "alignment": alignments})
    return AlignmentExport(out, total, without_url, below, missing)
