"""``Settings``: the matching and ranking knobs of an index (recorded in its manifest)."""

from __future__ import annotations

from dataclasses import dataclass

from ..skills.extractor import (
    DEFAULT_EXACT_BOOST,
    DEFAULT_PER_SEGMENT,
    DEFAULT_SHORT_THRESHOLD,
    DEFAULT_THRESHOLD,
    SkillExtractor,
)


@dataclass(frozen=True)
class Settings:
    """Matching and ranking knobs; recorded in the index manifest."""

    threshold: float = DEFAULT_THRESHOLD  # segment ↔ skill cosine to count a skill as present
    per_segment: int = DEFAULT_PER_SEGMENT  # skills taken from one segment at most
    short_threshold: float = DEFAULT_SHORT_THRESHOLD  # the threshold for segments of one or two words
    exact_boost: float = DEFAULT_EXACT_BOOST  # added when a segment names a skill's form word for word
    declared_threshold: float = 0.75  # declared skill name ↔ vocabulary form, else catalog-local
    text_weight: float = 0.5  # weight of text-found skills relative to declared ones
    skill_similarity: float = 0.5  # least label cosine for one skill to partly cover another
    # The relevance score (scoring.py): weights of skill coverage, TF-IDF and document cosine; chosen on
    # the judged Wuzzuf × edX set by cross-validation over postings (scripts/relevance_levers.py).
    coverage_weight: float = 0.25
    lexical_weight: float = 0.5
    dense_weight: float = 0.5
    transversal_weight: float = 0.5  # a transversal role skill's share of its weight in coverage (ESCO reuse level)
    specificity: bool = False  # weigh each credit by the IDF of the credential skill that gives it (measured, off)
    precision_power: float = 1.0  # coverage × precision ** p: broad, shallow profiles count less
    uncovered: float = 0.75  # a credential that covers none of the role's skills keeps this share of its score
    held_similarity: float = 0.85  # a held skill this close to a role skill removes it
    max_role_skills: int = 40
    # Claims (claims.py): two different skills the vocabulary does not link match only when their labels are
    # this alike; a match is claimed (and credited) only when its sense + focus reach ``claim_threshold``
    # (plus claims.WEAK_MARGIN for related, broader and semantic matches). Calibrated on judged claims.
    semantic_similarity: float = 0.8
    claim_threshold: float = 0.7
    # A skill a job text does not name word for word but matches by meaning counts as stated only when its
    # description, against the evidence read in its sentence, reaches this (skills/statements.py). On judged
    # claims' "required", 0.35 dropped 20 of 199 such skills, half of them not asked for.
    stated_sense: float = 0.35

    @property
    def score_max(self) -> float:
        """The highest score a query can give: each kind of evidence (skill coverage, text match, document
        meaning) is worth its weight for the best candidate (scoring.combine)."""
        return float(self.coverage_weight + self.lexical_weight + self.dense_weight)

    def new_extractor(self) -> SkillExtractor:
        """An unfitted SkillExtractor with these matching settings."""
        return SkillExtractor(
            self.threshold, self.per_segment, short_threshold=self.short_threshold, exact_boost=self.exact_boost
        )
