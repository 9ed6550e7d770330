"""Which (role skill ← credential skill) matches may be claimed, how, and what each is worth.

Every explanation line says "this credential teaches X, which the role needs". A match becomes such a
claim only when it holds up two ways:

1. **Its type**, from the vocabulary's own structure (``inputs.skill_structure``): the credential's skill
   *is* the role skill (``exact`` when named by its label or declared, ``alias`` when named by another of
   its names), a ``narrower`` one (it teaches Python, the role asks for programming), a ``broader`` one,
   a ``related`` one (ESCO relates the two), or, with no such link, a ``semantic`` match: only when the two
   skills' labels are very close. Two different children of one broader skill (iOS and Android, Java and
   Python) are alternatives, not substitutes: never a match. A same skill found only by meaning (no word
   for word mention) is ``semantic`` too.
2. **Its sense**: the role skill's description (ESCO's, not its label) compared with the credential's
   evidence sentence, plus the same description compared with the credential's whole text — is the
   course about this at all? "communication" ← "the role of communication protocols" fails, as does a
   project-management course claimed to teach "project commissioning". A claim needs
   ``sense + focus ≥ claim_threshold`` (calibrated on judged claims: docs/benchmarks.md).

A claimed match's credit in coverage weighs its type (``TYPE_WEIGHTS``) times the credential's own weight
for the skill (declared 1, found in the text ``text_weight`` × similarity); semantic ones also by their
label similarity. Matches that are not claimed give no credit: what is ranked is what is explained.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..inputs.skill_structure import SkillStructure
from .profiles import MENTIONS

MATCH_TYPES = ("exact", "alias", "narrower", "broader", "related", "semantic")
EXACT, ALIAS, NARROWER, BROADER, RELATED, SEMANTIC = range(len(MATCH_TYPES))
NO_MATCH = -1
# A narrower skill taught covers most of a broader need; a broader or related one, half of it.
TYPE_WEIGHTS = np.array([1.0, 1.0, 0.8, 0.5, 0.5, 0.5])
# Matches between different skills that ESCO does not place one below the other (related, broader,
# semantic) held far less often on judged claims (two in three) than same-skill and narrower ones (nine in
# ten): they must clear the claim threshold by this much more.
WEAK_MARGIN = np.array([0.0, 0.0, 0.0, 0.3, 0.3, 0.3])
# How claims are listed: the same skill first, then a narrower one, then related, then the rest.
CLAIM_ORDER = {"exact": 0, "alias": 0, "narrower": 1, "related": 2, "broader": 3, "semantic": 3}
STRUCTURE_DEPTH = 2  # broader/narrower links followed at most
_DECLARED, _LABEL, _ALIAS = (MENTIONS.index(name) for name in ("declared", "label", "alias"))


@dataclass(frozen=True)
class Pairs:
    """Candidate (role skill, credential, credential skill) matches as parallel arrays, one per profile entry."""

    role: np.ndarray  # role skill position in the role
    credential: np.ndarray
    skill: np.ndarray  # vocabulary position of the credential's skill
    similarity: np.ndarray  # label cosine of the role skill and the credential skill
    entry: np.ndarray  # the profile entry (CSR position) that holds the credential skill

    def take(self, keep: np.ndarray) -> Pairs:
        return Pairs(self.role[keep], self.credential[keep], self.skill[keep], self.similarity[keep], self.entry[keep])


@dataclass(frozen=True)
class Claims:
    """The matches worth claiming: the pairs' arrays plus each one's type, sense, focus and credit."""

    pairs: Pairs
    type: np.ndarray  # index into MATCH_TYPES
    sense: np.ndarray  # role skill description · evidence
    focus: np.ndarray  # role skill description · credential document
    credit: np.ndarray


_MEMO_LIMIT = 200_000  # remembered (role skill, credential skill) relations, about 30 MB


def relation(structure: SkillStructure, role_skill: int, credential_skill: int) -> int:
    """How ``credential_skill`` relates to ``role_skill`` in the structure (``NO_MATCH`` for alternatives,
    ``SEMANTIC`` when the structure does not link them)."""
    if credential_skill in structure.ancestors(role_skill, STRUCTURE_DEPTH):
        return BROADER
    if role_skill in structure.ancestors(credential_skill, STRUCTURE_DEPTH):
        return NARROWER
    if structure.are_related(role_skill, credential_skill):
        return RELATED
    shared = set(structure.broader(role_skill).tolist()) & set(structure.broader(credential_skill).tolist())
    if any(parent < structure.n_skills for parent in shared):
        return NO_MATCH  # siblings under one skill: iOS and Android
    return SEMANTIC


def match_types(
    structure: SkillStructure,
    role_positions: np.ndarray,
    pairs: Pairs,
    mention: np.ndarray,
    *,
    semantic_similarity: float,
) -> np.ndarray:
    """Each pair's type (``NO_MATCH`` where it is no match); ``role_positions``: each role skill's vocabulary
    position (-1 for a skill outside the vocabulary); ``mention``: each profile entry's ``MENTIONS`` code."""
    types = np.full(len(pairs.role), NO_MATCH, dtype=np.int8)
    roles = role_positions[pairs.role]
    same = roles == pairs.skill
    kinds = mention[pairs.entry]
    types[same & np.isin(kinds, (_DECLARED, _LABEL))] = EXACT
    types[same & (kinds == _ALIAS)] = ALIAS
    types[same & (types == NO_MATCH)] = SEMANTIC
    other = np.flatnonzero(~same)
    if len(other):
        kind = _relation_kinds(structure, roles[other], pairs.skill[other])
        kind[(kind == SEMANTIC) & (pairs.similarity[other] < semantic_similarity)] = NO_MATCH
        types[other] = kind
    return types


def can_match(
    structure: SkillStructure,
    role_positions: np.ndarray,
    role: np.ndarray,
    skill: np.ndarray,
    similarity: np.ndarray,
    *,
    semantic_similarity: float,
) -> np.ndarray:
    """Whether each (role skill, credential skill) pair can give a claim at all, whatever the entry: the
    role skill itself always can (``match_types``: exact, alias or semantic); another skill only through the
    structure or, where the structure does not link them, at ``semantic_similarity`` or more. The others are
    ``NO_MATCH`` for every credential holding them, so they need not be expanded into credentials."""
    roles = role_positions[role]
    result = roles == skill
    other = np.flatnonzero(~result)
    if len(other):
        kind = _relation_kinds(structure, roles[other], skill[other])
        kind[(kind == SEMANTIC) & (similarity[other] < semantic_similarity)] = NO_MATCH
        result[other] = kind != NO_MATCH
    return result


def _relation_kinds(structure: SkillStructure, roles: np.ndarray, skills: np.ndarray) -> np.ndarray:
    """``relation`` of each (role skill position, credential skill) pair (``SEMANTIC`` for a role skill outside
    the vocabulary, position -1). A relation depends on the pair only: found once per distinct pair (a few
    hundred), then spread over its credentials (thousands in a large catalog)."""
    base = int(skills.max()) + 1
    keys = (roles.astype(np.int64) + 1) * base + skills
    distinct, spread = np.unique(keys, return_inverse=True)
    cache = structure.relation_memo
    if len(cache) > _MEMO_LIMIT:  # bounded: a long batch's memory stays flat
        cache.clear()
    kinds_of = np.empty(len(distinct), dtype=np.int8)
    for i, key in enumerate(distinct.tolist()):
        role, skill = divmod(key, base)
        role -= 1
        if role < 0:
            kinds_of[i] = SEMANTIC
            continue
        if (role, skill) not in cache:
            cache[(role, skill)] = relation(structure, role, skill)
        kinds_of[i] = cache[(role, skill)]
    return kinds_of[spread.ravel()]


def check(
    pairs: Pairs,
    types: np.ndarray,
    descriptions: np.ndarray,
    evidence_ids: np.ndarray,
    evidence_embeddings: np.ndarray,
    documents: np.ndarray,
    weights: np.ndarray,
    *,
    threshold: float,
) -> Claims:
    """Keep the typed pairs whose sense and focus reach ``threshold``, and weigh them.

    ``descriptions``: each role skill's description embedding (one row per role skill); ``evidence_ids``:
    each profile entry's evidence string; ``evidence_embeddings``: each evidence string's embedding;
    ``weights``: each profile entry's weight.
    """
    typed = pairs.take(types >= 0)
    kinds = types[types >= 0].astype(np.int64)
    # Each (role skill, evidence) and (role skill, credential) product once: many pairs share them.
    evidence = evidence_ids[typed.entry]
    sense = _products(descriptions, typed.role, evidence_embeddings, evidence)
    focus = _products(descriptions, typed.role, documents, typed.credential)
    keep = sense + focus >= threshold + WEAK_MARGIN[kinds]
    kept, kinds = typed.take(keep), kinds[keep]
    credit = TYPE_WEIGHTS[kinds] * weights[kept.entry]
    credit = np.where(kinds == SEMANTIC, credit * kept.similarity, credit).astype(np.float32)
    return Claims(kept, kinds.astype(np.int8), sense[keep], focus[keep], credit)


def _products(left: np.ndarray, left_rows: np.ndarray, right: np.ndarray, right_rows: np.ndarray) -> np.ndarray:
    """``left[left_rows[i]] · right[right_rows[i]]`` for every i: each distinct row of ``right`` read once
    (a large catalog's claims share a few role skills across thousands of credentials) and multiplied with
    every row of ``left`` (the role's skills: tens) in one product."""
    if not len(left_rows):
        return np.zeros(0, dtype=np.float32)
    rows, spread = np.unique(right_rows, return_inverse=True)
    block = np.asarray(right[rows], dtype=np.float32) @ np.asarray(left, dtype=np.float32).T
    return block[spread.ravel(), left_rows].astype(np.float32)
