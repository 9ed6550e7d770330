"""The explanation of a ranked credential: its claims, what it leaves missing, what it requires, and its
profile — each skill with where the evidence is (``results.py`` holds the types; docs/engine.md the rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..inputs.catalog import Credential
from ..inputs.taxonomy import Vocabulary
from .claims import CLAIM_ORDER, MATCH_TYPES
from .coverage import Credits
from .profiles import CONTEXTS, FIELDS, MENTIONS, SOURCES, Profiles
from .results import EvidenceSpan, MatchedSkill, MissingSkill, ProfileSkill, Recommendation, RequiredSkill

if TYPE_CHECKING:
    from .role_builder import RoleVectors


def _span(profiles: Profiles, entry: int) -> EvidenceSpan:
    where, start, end = (int(x) for x in profiles.span[entry])
    return EvidenceSpan(FIELDS[where], start, end)


def recommendation(
    credential: Credential,
    position: int,
    vectors: RoleVectors,
    credits: Credits,
    profiles: Profiles,
    vocabulary: Vocabulary,
    *,
    rank: int,
    score: float,
    coverage: float,
    similarity: float,
    lexical: float,
) -> Recommendation:
    """One ranked credential with its claims (the surest first: what the posting states, then the same skill
    or a narrower one, then by credit), the role skills it leaves unclaimed, and what it requires."""
    skills = vocabulary.skills
    matched: list[MatchedSkill] = []
    covered: set[int] = set()
    assert credits.entry is not None and credits.type is not None  # claimed credits carry them
    assert credits.sense is not None and credits.focus is not None
    for i in np.flatnonzero(credits.credential == position).tolist():
        role_skill = vectors.skills[credits.role[i]]
        skill = skills[int(credits.skill[i])]
        entry = int(credits.entry[i])
        covered.add(int(credits.role[i]))
        matched.append(
            MatchedSkill(
                skill=role_skill.label,
                skill_id=role_skill.id,
                weight=role_skill.weight,
                credential_skill=skill.label,
                credential_skill_id=skill.id,
                similarity=float(credits.similarity[i]),
                source=SOURCES[int(profiles.source[entry])],
                evidence=profiles.strings[int(profiles.evidence[entry])],
                match=MATCH_TYPES[int(credits.type[i])],
                credit=float(credits.credit[i]),
                confidence=float(credits.sense[i] + credits.focus[i]),
                evidence_at=_span(profiles, entry),
                context=CONTEXTS[int(profiles.context[entry])],
                role_source=role_skill.source,
                typical_for=role_skill.typical_for,
                type=role_skill.type,
                reuse_level=role_skill.reuse_level,
            )
        )
    matched.sort(key=lambda m: (m.role_source == "typical", CLAIM_ORDER[m.match], -m.weight * m.credit, m.skill))
    return Recommendation(
        rank=rank,
        id=credential.id,
        title=credential.title,
        score=score,
        coverage=coverage,
        document_similarity=similarity,
        lexical_match=lexical,
        provider=credential.provider,
        hours=credential.hours,
        cost=credential.cost,
        currency=credential.currency,
        level=credential.level,
        language=credential.language,
        url=credential.url,
        matched_skills=tuple(matched),
        missing_skills=tuple(MissingSkill.of(s) for i, s in enumerate(vectors.skills) if i not in covered),
        requires=required_skills(profiles, vocabulary, position),
    )


def required_skills(profiles: Profiles, vocabulary: Vocabulary, position: int) -> tuple[RequiredSkill, ...]:
    """The skills credential ``position``'s prerequisite sentences name (what a learner should bring)."""
    requires, skills = profiles.requires, vocabulary.skills
    start, end = int(requires.indptr[position]), int(requires.indptr[position + 1])
    return tuple(
        RequiredSkill(
            skills[int(skill)].id,
            skills[int(skill)].label,
            profiles.strings[int(evidence) - 1],
            skills[int(skill)].type,
            skills[int(skill)].reuse_level,
        )
        for skill, evidence in zip(requires.indices[start:end], requires.data[start:end], strict=True)
    )


def profile_entries(profiles: Profiles, vocabulary: Vocabulary, position: int) -> tuple[ProfileSkill, ...]:
    """The skills the index holds for credential ``position``, strongest first (ties by label)."""
    start, end = int(profiles.matrix.indptr[position]), int(profiles.matrix.indptr[position + 1])
    entries = []
    for e in range(start, end):
        skill = vocabulary.skills[int(profiles.matrix.indices[e])]
        entries.append(
            ProfileSkill(
                skill_id=skill.id,
                label=skill.label,
                weight=float(profiles.matrix.data[e]),
                similarity=float(profiles.similarity[e]),
                source=SOURCES[int(profiles.source[e])],
                evidence=profiles.strings[int(profiles.evidence[e])],
                description=skill.description,
                mention=MENTIONS[int(profiles.mention[e])],
                context=CONTEXTS[int(profiles.context[e])],
                evidence_at=_span(profiles, e),
                type=skill.type,
                reuse_level=skill.reuse_level,
            )
        )
    return tuple(sorted(entries, key=lambda entry: (-entry.weight, entry.label)))
