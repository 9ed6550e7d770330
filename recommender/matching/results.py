"""What a recommendation returns: ranked credentials with matched and missing skills, as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..skills.results import Role, RoleSkill, Serialisable


@dataclass(frozen=True)
class EvidenceSpan(Serialisable):
    """Where evidence sits in a credential: ``field`` ("title", "text" or "skills") and the character offsets
    ``[start, end)`` in that field's value (for "skills": the declared skill's position in the list)."""

    field: str
    start: int
    end: int


@dataclass(frozen=True)
class MatchedSkill(Serialisable):
    """A role skill a credential teaches, through one of the credential's own skills (a claim)."""

    skill: str
    skill_id: str
    weight: float
    credential_skill: str
    credential_skill_id: str
    similarity: float
    source: str  # "declared" by the catalog, or found in the credential's "text"
    evidence: str
    match: str = ""  # exact, alias, narrower, broader, related or semantic (claims.MATCH_TYPES)
    credit: float = 0.0  # what the match is worth in coverage (type weight × the credential's weight for its skill)
    confidence: float = 0.0  # sense + focus: the role skill's description against the evidence and the whole credential
    evidence_at: EvidenceSpan | None = None
    context: str = ""  # what the evidence's sentence does: title, outcome, topic, ... or declared
    role_source: str = ""  # where the role skill comes from: "stated", "typical" (of an occupation) or "list"
    typical_for: str = ""  # the occupation a typical role skill comes from
    type: str = ""  # the role skill's type and reuse level (ESCO's; empty when the vocabulary does not say)
    reuse_level: str = ""


@dataclass(frozen=True)
class ProfileSkill(Serialisable):
    """One skill of a credential's profile: what it teaches, how strongly, and why we think so."""

    skill_id: str
    label: str
    weight: float  # declared exact 1; declared by nearest form: its similarity; text: text_weight × similarity
    similarity: float
    source: str  # "declared" by the catalog, or found in the credential's "text"
    evidence: str  # the declared name or the text segment
    description: str = ""
    mention: str = ""  # how it was found: declared, label, alias (named word for word) or meaning
    context: str = ""  # what the evidence's sentence does: title, outcome, topic, ... or declared
    evidence_at: EvidenceSpan | None = None
    type: str = ""
    reuse_level: str = ""


@dataclass(frozen=True)
class MissingSkill(Serialisable):
    """A role skill the credential leaves uncovered."""

    skill: str
    skill_id: str
    weight: float
    role_source: str = ""
    typical_for: str = ""
    type: str = ""
    reuse_level: str = ""

    @classmethod
    def of(cls, skill: RoleSkill) -> MissingSkill:
        """The missing-skill line for one of the role's skills."""
        return cls(skill.label, skill.id, skill.weight, skill.source, skill.typical_for, skill.type, skill.reuse_level)


@dataclass(frozen=True)
class RequiredSkill(Serialisable):
    """A skill a credential expects its learners to have already (named in a prerequisite sentence)."""

    skill_id: str
    label: str
    evidence: str
    type: str = ""
    reuse_level: str = ""


@dataclass(frozen=True)
class Recommendation(Serialisable):
    """One ranked credential with the reasons for its rank."""

    rank: int
    id: str
    title: str
    score: float
    coverage: float
    document_similarity: float
    lexical_match: float = 0.0  # TF-IDF cosine of the role's text against the credential's, over the best candidate's
    provider: str = ""
    hours: float | None = None
    cost: float | None = None
    currency: str = ""
    level: str = ""
    language: str = ""
    url: str = ""
    matched_skills: tuple[MatchedSkill, ...] = ()
    missing_skills: tuple[MissingSkill, ...] = ()
    requires: tuple[RequiredSkill, ...] = ()  # what its prerequisites name (skills a learner should bring)


@dataclass(frozen=True)
class QueryResult(Serialisable):
    """A role profile and its ranked credentials; ``notes`` explain anything unusual."""

    role: Role
    recommendations: tuple[Recommendation, ...]
    notes: tuple[str, ...] = field(default=())
