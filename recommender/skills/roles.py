"""Role profiles that blend what a job description says with what its occupation needs.

A job ad names only some of the skills its role needs. :class:`RoleBlender` finds the ad's nearest
ESCO occupations (by title, by text, or both), and adds their essential skills (weight 1) and
optional skills (``optional_weight``) to the skills found in the ad's sentences, weighting each
occupation by how well it matches. The knobs were tuned on ESCO occupations only
(``scripts/tune_roles.py``, the "tune" part of ``scripts/build_roles_dataset.py``), never on the
held-out occupations or on real ads (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import NotFittedError
from ..inputs.taxonomy import Vocabulary
from .occupations import Occupation, OccupationIndex
from .results import Evidence, RoleSkill, SkillMatch

PROFILE_OPTIONAL_WEIGHT = 0.5  # an optional skill's weight in a role profile (essential: 1)

__all__ = ["BlendSettings", "OccupationMatch", "RoleBlender", "blend_artifacts", "load_blender"]


@dataclass(frozen=True)
class BlendSettings:
    """How occupations are matched and how much their skills count beside the text's.

    An occupation's match is ``title_share × title cosine + (1 − title_share) × text cosine`` (the
    title alone when there is no text, the text alone when there is no title). The best
    ``top_occupations`` are weighted by a softmax of their match at ``temperature``; a skill's
    occupation score is the weighted sum of its relations (essential 1, optional
    ``optional_weight``), and its rank score is ``text score + occupation_weight × occupation score``.
    Those settings order the skills; the profile *weights* an occupation gives are 1 for essential
    and ``PROFILE_OPTIONAL_WEIGHT`` (0.5) for optional skills, times the occupation's weight.
    """

    # Chosen by scripts/tune_roles.py on the 2,415 "tune" ESCO occupations (Recall@20 44.2, against
    # 25.4 for the nearest occupation's essential skills by title and 11.0 for the text's skills).
    title_share: float = 0.3
    top_occupations: int = 10
    temperature: float = 0.1
    occupation_weight: float = 4.0
    optional_weight: float = 0.25
    # Text first: a job ad's own skills lead its profile; an occupation skill the text does not name
    # follows them, weighted by how confidently the ad matches its occupations (the best match score,
    # mapped linearly from confidence_low → 0 to confidence_high → 1), never above the lightest text
    # skill, and all of them together never above the text skills' total weight.
    text_first: bool = True
    confidence_low: float = 0.3
    confidence_high: float = 0.6


@dataclass(frozen=True)
class OccupationMatch:
    """An occupation near a role: its position in the index, match score and softmax weight."""

    position: int
    score: float
    weight: float


class RoleBlender:
    """Blend text skills with the skills of the nearest occupations (fit on an index and a vocabulary)."""

    def __init__(self, settings: BlendSettings | None = None) -> None:
        self.settings = settings or BlendSettings()

    def fit(
        self,
        occupations: OccupationIndex,
        vocabulary: Vocabulary,
        *,
        matrices: tuple[sp.csr_matrix, sp.csr_matrix] | None = None,
    ) -> RoleBlender:
        """Map the occupations' skill relations onto ``vocabulary``'s positions (or take ``matrices``:
        occupation × skill 0/1, essential and optional, as ``load_blender`` does)."""
        if matrices is None:
            essential, optional, missing = occupations.skill_matrices(vocabulary)
        else:
            (essential, optional), missing = matrices, 0
        self.occupations_ = occupations
        self.optional_ = optional
        self.vocabulary_ = vocabulary
        self.essential_ = essential.tocsr()
        # Essential wins where a skill is both.
        self.relations_ = essential.maximum(optional * self.settings.optional_weight).tocsr()
        self.profile_relations_ = essential.maximum(optional * PROFILE_OPTIONAL_WEIGHT).tocsr()
        self.missing_relations_ = missing
        self._needs: dict[int, tuple[frozenset[int], frozenset[int]]] = {}
        return self

    def _needed(self, occupation: int) -> tuple[frozenset[int], frozenset[int]]:
        """The skill positions ``occupation`` needs (essential or optional) and those it needs as essential,
        read once per occupation (an element of a scipy matrix costs 40 µs; batches read thousands)."""
        needs = self.__dict__.setdefault("_needs", {})
        found = needs.get(occupation)
        if found is None:
            found = needs[occupation] = (_row_set(self.relations_, occupation), _row_set(self.essential_, occupation))
        return found

    def _check_fitted(self) -> None:
        if not hasattr(self, "relations_"):
            raise NotFittedError("RoleBlender is not fitted: call fit() first")

    def match(
        self,
        title: np.ndarray | None,
        text: np.ndarray | None,
        *,
        exclude: int | None = None,
        top: int | None = None,
    ) -> list[OccupationMatch]:
        """The best occupations for an embedded title and/or text; ``exclude`` leaves one out."""
        self._check_fitted()
        title_sims = self.occupations_.title_similarity(title[None, :])[0] if title is not None else None
        text_sims = self.occupations_.text_similarity(text[None, :])[0] if text is not None else None
        scores = self.combine(title_sims, text_sims)
        return [] if scores is None else self.match_scores(scores, exclude=exclude, top=top)

    def combine(self, title_sims: np.ndarray | None, text_sims: np.ndarray | None) -> np.ndarray | None:
        """``title_share × title + (1 − title_share) × text`` per occupation; either alone without the other."""
        if title_sims is None or text_sims is None:
            return title_sims if text_sims is None else text_sims
        share = self.settings.title_share
        return share * np.asarray(title_sims, np.float64) + (1.0 - share) * np.asarray(text_sims, np.float64)

    def match_scores(
        self, scores: np.ndarray, *, exclude: int | None = None, top: int | None = None
    ) -> list[OccupationMatch]:
        """``match`` from per-occupation match scores already computed (tuning reuses them)."""
        scores = np.array(scores, dtype=np.float64)
        if exclude is not None:
            scores[exclude] = -np.inf
        n = min(top or self.settings.top_occupations, len(scores) - (exclude is not None))
        if n <= 0:
            return []
        best = np.argsort(-scores, kind="stable")[:n]
        logits = (scores[best] - scores[best[0]]) / max(self.settings.temperature, 1e-6)
        weights = np.exp(logits) / np.exp(logits).sum()
        return [OccupationMatch(int(o), float(scores[o]), float(w)) for o, w in zip(best, weights, strict=True)]

    def occupation_scores(
        self, matches: Sequence[OccupationMatch], *, essential_only: bool = False, profile: bool = False
    ) -> np.ndarray:
        """Per vocabulary skill: the match-weighted sum of its relations to ``matches`` (``profile``:
        with optional skills at ``PROFILE_OPTIONAL_WEIGHT``)."""
        self._check_fitted()
        relations = self.essential_ if essential_only else self.profile_relations_ if profile else self.relations_
        scores = np.zeros(len(self.vocabulary_), dtype=np.float64)
        for m in matches:
            row = relations.getrow(m.position)
            scores[row.indices] += m.weight * row.data
        return scores

    def rank(
        self,
        text_scores: Mapping[int, float],
        matches: Sequence[OccupationMatch],
        *,
        tie_break: np.ndarray | Callable[[np.ndarray], np.ndarray] | None = None,
        essential_only: bool = False,
        limit: int | None = None,
    ) -> list[tuple[int, float, float]]:
        """Skills by blended score: ``(position, rank score, weight)``, best first.

        ``weight`` (what the role profile uses) is the larger of the text score and the occupation
        profile score, so an essential skill of a sure occupation weighs 1 and an optional one 0.5.
        With ``text_first`` and text skills given, the text skills come first and the occupation-only
        skills are weighed down (see ``BlendSettings``). ``tie_break`` (per skill, e.g. its cosine to the
        role's text; or a function of the candidate positions that returns it for them) orders equal scores.
        """
        occupation = self.occupation_scores(matches, essential_only=essential_only)
        text = np.zeros_like(occupation)
        for position, score in text_scores.items():
            text[position] = score
        rank_score = text + self.settings.occupation_weight * occupation
        candidates = np.flatnonzero(rank_score > 0)
        if tie_break is None:
            secondary = np.zeros(len(candidates))
        else:
            secondary = tie_break(candidates) if callable(tie_break) else tie_break[candidates]
        text_first = self.settings.text_first and bool(text_scores)
        named = (text > 0)[candidates] if text_first else np.zeros(len(candidates), dtype=bool)
        order = candidates[np.lexsort((candidates, -secondary, -rank_score[candidates], ~named))]
        if limit is not None:
            order = order[:limit]
        profile = occupation if essential_only else self.occupation_scores(matches, profile=True)
        weights = {int(s): float(max(text[s], profile[s])) for s in order}
        if text_first:
            self._weigh_down_occupation_skills(weights, text, matches)
        return [(int(s), float(rank_score[s]), weights[int(s)]) for s in order]

    def confidence(self, matches: Sequence[OccupationMatch]) -> float:
        """How sure the occupation match is: the best match score mapped onto [0, 1] (``BlendSettings``)."""
        if not matches:
            return 0.0
        low, high = self.settings.confidence_low, self.settings.confidence_high
        return float(np.clip((max(m.score for m in matches) - low) / max(high - low, 1e-9), 0.0, 1.0))

    def _weigh_down_occupation_skills(
        self, weights: dict[int, float], text: np.ndarray, matches: Sequence[OccupationMatch]
    ) -> None:
        named = [w for s, w in weights.items() if text[s] > 0]
        if not named:
            return
        lightest, budget, confidence = min(named), sum(named), self.confidence(matches)
        others = {s: min(w * confidence, lightest) for s, w in weights.items() if text[s] <= 0}
        total = sum(others.values())
        scale = min(1.0, budget / total) if total > 0 else 1.0
        weights.update({s: w * scale for s, w in others.items()})

    def role_skills(
        self,
        matches: Sequence[SkillMatch],
        occupations: Sequence[OccupationMatch],
        *,
        title: np.ndarray | None = None,
        tie_break: np.ndarray | None = None,
        limit: int = 40,
    ) -> tuple[RoleSkill, ...]:
        """The role profile: the skills the text states (``source="stated"``) and the ones typical of its
        occupations that it does not state (``"typical"``, with ``typical_for`` naming the occupation).

        Every skill an occupation contributes carries evidence naming the occupation (and, for a
        title, the occupation label it matched).
        """
        positions = self.vocabulary_.index_of()
        by_position = {positions[m.id]: m for m in matches}
        ranked = self.rank({p: m.score for p, m in by_position.items()}, occupations, tie_break=tie_break, limit=limit)
        skills: list[RoleSkill] = []
        for position, _, weight in ranked:
            found = by_position.get(position)
            evidence = list(found.evidence) if found is not None else []
            typical = self._occupation_evidence(position, occupations, title)
            evidence.extend(typical)
            skill = self.vocabulary_.skills[position]
            source = "stated" if found is not None else "typical"
            occupation = self._occupation_of(position, occupations) if found is None else ""
            skills.append(
                RoleSkill(
                    skill.id,
                    skill.label,
                    round(weight, 6),
                    source,
                    tuple(evidence),
                    occupation,
                    skill.type,
                    skill.reuse_level,
                )
            )
        return tuple(skills)

    def _occupation_of(self, position: int, occupations: Sequence[OccupationMatch]) -> str:
        """The label of the best-matching occupation that needs the skill."""
        for m in occupations:
            if position in self._needed(m.position)[0]:
                return self.occupations_.occupations_[m.position].label
        return ""

    def _occupation_evidence(
        self, position: int, occupations: Sequence[OccupationMatch], title: np.ndarray | None
    ) -> list[Evidence]:
        evidence: list[Evidence] = []
        for m in occupations:
            needed, essential = self._needed(m.position)
            if position not in needed:
                continue
            occupation = self.occupations_.occupations_[m.position]
            kind = "essential" if position in essential else "optional"
            form = self.occupations_.best_label(title, m.position)[0] if title is not None else occupation.label
            evidence.append(Evidence(f"{kind} skill of ESCO occupation '{occupation.label}'", m.score, form))
            break  # the best-matching occupation that needs the skill
        return evidence


def _row_set(matrix: sp.csr_matrix, row: int) -> frozenset[int]:
    """The columns of ``matrix``'s row ``row`` that hold a positive value."""
    start, stop = matrix.indptr[row], matrix.indptr[row + 1]
    return frozenset(matrix.indices[start:stop][matrix.data[start:stop] > 0].tolist())


# ---------------------------------------------------------------- saved beside an index (Recommender.save/load)
_KINDS = ("essential", "optional")


def blend_artifacts(blender: RoleBlender) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays (embeddings, relations as CSR over the vocabulary) and JSON documents to save."""
    arrays = dict(blender.occupations_.arrays())
    for kind, matrix in zip(_KINDS, (blender.essential_, blender.optional_), strict=True):
        arrays[f"occupation_{kind}_indptr"] = matrix.indptr.astype(np.int64)
        arrays[f"occupation_{kind}_indices"] = matrix.indices.astype(np.int32)
    occupations = [
        {"id": o.id, "label": o.label, "aliases": list(o.aliases), "code": o.code}
        for o in blender.occupations_.occupations_
    ]
    return arrays, {"occupations": occupations, "role_blend": asdict(blender.settings)}


def load_blender(
    read_array: Callable[[str], np.ndarray], read_document: Callable[[str], Any], vocabulary: Vocabulary
) -> RoleBlender:
    """Rebuild the blender ``blend_artifacts`` saved (no re-encoding, no relation lookups)."""
    occupations = [Occupation.from_dict(d) for d in read_document("occupations")]
    index = OccupationIndex.from_saved({name: read_array(name) for name in OccupationIndex.ARRAYS}, occupations)
    matrices = []
    for kind in _KINDS:
        indptr, indices = read_array(f"occupation_{kind}_indptr"), read_array(f"occupation_{kind}_indices")
        data = np.ones(len(indices), dtype=np.float32)
        matrices.append(sp.csr_matrix((data, indices, indptr), shape=(len(occupations), len(vocabulary))))
    settings = BlendSettings(**read_document("role_blend"))
    return RoleBlender(settings).fit(index, vocabulary, matrices=(matrices[0], matrices[1]))
