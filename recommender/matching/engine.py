"""``Recommender``: the fitted engine that turns a role into ranked, explained credentials.

``fit`` builds skill profiles for a catalog against a vocabulary (``store.save_index`` and
``store.open_index`` persist them as an index folder); ``skills`` lists the skills of a text;
``recommend`` ranks credentials for a job description or a skill list, optionally minus the skills a
person already has. Building the role itself (text, title or skill list → weighted skills and
vectors; ESCO occupations) is the engine's ``role_builder_`` (``role_builder.RoleBuilder``).
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..encoders.base import Encoder, encode_grouped, normalize_rows
from ..encoders.cache import neighbour_store
from ..encoders.load import load_encoder
from ..errors import InvalidInputError, NotFittedError
from ..inputs.catalog import Catalog, Credential
from ..inputs.language import detect_language
from ..inputs.skill_structure import SkillStructure
from ..inputs.taxonomy import Vocabulary, normalize_label, vocabulary_from_catalog
from ..skills.extractor import SegmentMatch, SkillExtractor
from ..skills.neighbors import NeighborIndex, cosine_index
from ..skills.occupations import Occupation, OccupationIndex
from ..skills.results import Role, SkillMatch
from ..skills.roles import BlendSettings, RoleBlender
from ..skills.statements import StatedText, stated_text
from .candidates import CandidateStage, likely_focused
from .candidates import wanted as candidates_wanted
from .claims import can_match, check, match_types
from .coverage import CoverageIndex, Credits, best_credits, coverage_by_credential, rank_order
from .documents import LexicalIndex
from .explain import profile_entries, recommendation, required_skills
from .filters import CredentialFacts, Filters
from .profiles import (
    Profiles,
    build_profiles,
    credential_text,
    local_skill_id,
    local_skills,
)
from .results import ProfileSkill, QueryResult, Recommendation, RequiredSkill
from .role_builder import RoleBuilder, RoleVectors, bounded_text, role_document
from .scoring import RankingEvidence, combine, precision, ranking_weights, specificity
from .settings import Settings

__all__ = ["Recommender", "credential_document"]

logger = logging.getLogger(__name__)


def credential_document(credential: Credential) -> str:
    """A credential as one text (TF-IDF and its document embedding): its title, text and declared skills."""
    return "\n".join(part for part in (credential.title, credential.text, ", ".join(credential.skills)) if part)


def _segment_neighbours(
    extractor: SkillExtractor, encoder: Encoder, segments: Sequence[Sequence[str]], embeddings: Sequence[np.ndarray]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each credential's segments' nearest surface forms: each distinct segment matched once, and
    kept in the embedding cache's folder (when there is one) so a re-index matches only new ones."""
    flat = [text for group in segments for text in group]
    if not flat:
        return [(np.zeros((0, 0), np.int32), np.zeros((0, 0), np.float32)) for _ in segments]
    store = neighbour_store(encoder, extractor.forms_key_, extractor.n_neighbors)
    logger.info("matching %d credential segments against %d surface forms", len(flat), len(extractor.forms_))
    indices, similarities = extractor.segment_neighbours(flat, np.vstack(list(embeddings)), store)
    bounds = np.cumsum([0, *(len(group) for group in segments)])
    return [(indices[a:b], similarities[a:b]) for a, b in itertools.pairwise(bounds)]


class Recommender:
    """Rank micro-credentials by how well they cover a role's skills, and explain each rank.

    Fitted (``fit``) or opened from an index folder (``recommender.open_index``), it holds the
    catalog's credentials and skill profiles, the vocabulary and its extractor, the neighbour and
    TF-IDF indexes, and ``role_builder_`` (a text, title or skill list → a role). An opened index
    also carries ``path_`` (its version folder) and ``manifest_``; a fitted one has ``None`` and ``{}``.
    """

    def __init__(self, encoder: Encoder | None = None, settings: Settings | None = None) -> None:
        self.encoder = encoder
        self.settings = settings or Settings()

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        catalog: Catalog,
        vocabulary: Vocabulary | None = None,
        *,
        structure: SkillStructure | None = None,
        progress: bool = False,
    ) -> Recommender:
        """Profile every credential of ``catalog`` against ``vocabulary`` (default: its declared skills);
        ``structure`` says how the vocabulary's skills relate (ESCO's: ``load_skill_structure``)."""
        encoder = self.encoder or load_encoder()
        settings = self.settings
        credentials = tuple(catalog.credentials)
        if not credentials:
            raise InvalidInputError("the catalog has no credentials to index")
        base = vocabulary if vocabulary is not None else vocabulary_from_catalog(catalog)
        logger.info("embedding %d skills (%d surface forms)", len(base), len(base.surface_forms()[0]))
        extractor = settings.new_extractor().fit(base, encoder, progress=progress)

        declared = sorted({normalize_label(name): name for c in credentials for name in c.skills}.items())
        names = [name for _, name in declared]
        mapping = extractor.map_names(names, threshold=settings.declared_threshold) if names else []
        extra = local_skills(names, mapping)
        if extra:
            logger.info("%d declared skills are not in the vocabulary: kept as catalog-local skills", len(extra))
            vocab = base.extended(extra)
            extra_forms = vocab.surface_forms()[0][len(extractor.forms_) :]
            embeddings = np.vstack([extractor.form_embeddings_, encoder.encode(extra_forms)])
            extractor = settings.new_extractor().fit(vocab, encoder, form_embeddings=embeddings)
        positions = extractor.vocabulary_.index_of()
        declared_positions = {
            key: (position, similarity) if position is not None else (positions[local_skill_id(name)], 1.0)
            for (key, name), (position, similarity) in zip(declared, mapping, strict=True)
        }

        texts = [credential_text(c) for c in credentials]
        segments = [t.segments for t in texts]
        logger.info("embedding %d credential texts (%d segments)", len(credentials), sum(map(len, segments)))
        segment_embeddings = encode_grouped(encoder, segments, progress=progress)
        sentence_embeddings = encode_grouped(encoder, [t.sentence_texts for t in texts], progress=progress)
        logger.info("embedding %d credential documents", len(credentials))
        documents = encoder.encode([credential_document(c) for c in credentials], progress=progress)
        declared_embeddings = (
            dict(zip([key for key, _ in declared], encoder.encode(names), strict=True)) if names else {}
        )
        profiles = build_profiles(
            credentials,
            extractor,
            declared_positions,
            texts,
            segment_embeddings,
            sentence_embeddings=sentence_embeddings,
            documents=documents,
            declared_embeddings=declared_embeddings,
            text_weight=settings.text_weight,
            neighbours=_segment_neighbours(extractor, encoder, segments, segment_embeddings),
        )
        lexical = LexicalIndex().fit([credential_document(c) for c in credentials])
        vocabulary_ = extractor.vocabulary_
        logger.info("embedding %d skill descriptions", len(vocabulary_))
        descriptions = encoder.encode([skill.description or skill.label for skill in vocabulary_], progress=progress)
        if structure is not None and structure.n_skills != len(vocabulary_):  # catalog-local skills were appended
            structure = structure.extended(len(vocabulary_))
        self.set_state(
            encoder, extractor, credentials, profiles, lexical=lexical, structure=structure,
            descriptions=descriptions,
        )  # fmt: skip
        self.catalog_report_ = catalog.report
        self.unmapped_declared_ = len(extra)
        return self

    def set_state(
        self,
        encoder: Encoder,
        extractor: SkillExtractor,
        credentials: tuple[Credential, ...],
        profiles: Profiles,
        *,
        blender: RoleBlender | None = None,
        lexical: LexicalIndex | None = None,
        reference: bool = True,
        structure: SkillStructure | None = None,
        descriptions: np.ndarray | None = None,
        path: Path | None = None,
        manifest: dict[str, Any] | None = None,
        skill_embeddings: np.ndarray | None = None,
        candidate_stage: CandidateStage | None = None,
    ) -> None:
        """Set the fitted state from its parts (``fit``, and ``store.load_index`` from saved arrays).

        ``reference``: scikit-learn neighbour indexes (fit); else their identical numpy twins (load).
        ``descriptions``: each vocabulary skill's description embedding (its label's when None).
        ``path`` and ``manifest``: the index version folder the parts were read from, and its manifest.
        ``skill_embeddings``: each skill's label embedding as saved (else taken from the extractor's forms).
        ``candidate_stage``: large catalogs' candidate stage (``candidates.py``; an index saves its graph).
        """
        self.encoder = encoder
        self.extractor_ = extractor
        self.vocabulary_ = extractor.vocabulary_
        self.credentials_ = credentials
        self.profiles_ = profiles
        if skill_embeddings is not None and skill_embeddings.shape[0] == len(self.vocabulary_):
            self.skill_embeddings_ = np.asarray(skill_embeddings, dtype=np.float32)
        else:  # a skill's embedding is its label's (the first surface form of each skill)
            with_forms, label_forms = np.unique(extractor.form_skill_, return_index=True)
            self.skill_embeddings_ = np.zeros((len(self.vocabulary_), extractor.form_embeddings_.shape[1]), np.float32)
            self.skill_embeddings_[with_forms] = extractor.form_embeddings_[label_forms]
        self.description_embeddings_ = normalize_rows(
            np.asarray(descriptions if descriptions is not None else self.skill_embeddings_, dtype=np.float32)
        )
        self.role_builder_ = RoleBuilder(
            self.settings, encoder, extractor, self.skill_embeddings_, blender, self.description_embeddings_
        )
        self.coverage_ = CoverageIndex(self.settings.skill_similarity).fit(
            profiles.matrix, self.skill_embeddings_, reference=reference
        )
        self._reference_documents = reference
        self.__dict__.pop("document_index_", None)  # built on first use (document_index_)
        self.facts_ = CredentialFacts.from_credentials(credentials)
        self._position_of: dict[str, int] | None = None  # built on first use by position()
        ids = np.array([c.id for c in credentials])
        self.id_rank_ = np.argsort(np.argsort(ids, kind="stable"), kind="stable")
        self.lexical_ = lexical  # None for an index built without TF-IDF arrays: no lexical evidence
        self.specificity_ = specificity(self.coverage_.profile_csc_)
        self.profile_totals_ = np.asarray(profiles.matrix.sum(axis=1)).ravel()
        self.candidate_stage_ = candidate_stage
        self.structure_ = structure if structure is not None else SkillStructure.empty(len(self.vocabulary_))
        self.path_ = path
        self.manifest_ = manifest if manifest is not None else {}

    def check_fitted(self) -> None:
        """Raise :class:`NotFittedError` unless the engine was fitted or opened from an index."""
        if not hasattr(self, "profiles_"):
            raise NotFittedError("Recommender is not fitted: call fit() or recommender.open_index()")

    def check_k(self, k: int) -> None:
        """Raise :class:`InvalidInputError` unless 1 ≤ ``k`` ≤ the number of credentials."""
        self.check_fitted()
        n = len(self.credentials_)
        if k < 1:
            raise InvalidInputError(f"-k must be at least 1 (got {k})")
        if k > n:
            raise InvalidInputError(f"-k {k} is larger than the catalog ({n} credentials); use -k {n} or less")

    # ------------------------------------------------------------------ ESCO occupations (optional)
    # With occupations attached, a job description's role profile also holds the essential (and
    # optional) skills of its nearest occupations, and a job title alone makes a role (skills/roles.py).
    def attach_occupations(
        self,
        occupations: Sequence[Occupation] | OccupationIndex,
        *,
        settings: BlendSettings | None = None,
        progress: bool = False,
    ) -> Recommender:
        """Use occupations in role profiles; their skills must be in the index's vocabulary (ESCO)."""
        self.check_fitted()
        index = (
            occupations
            if isinstance(occupations, OccupationIndex)
            else OccupationIndex().fit(occupations, self.role_builder_.encoder, progress=progress)
        )
        blender = RoleBlender(settings).fit(index, self.vocabulary_)
        if blender.relations_.nnz == 0:
            raise InvalidInputError(
                "none of the occupations' skills is in the index's vocabulary; build the index with "
                "--taxonomy set to the ESCO export that holds the occupations"
            )
        self.role_builder_ = self.role_builder_.with_blender(blender)
        return self

    # ------------------------------------------------------------------ a credential's profile
    def position(self, credential_id: str) -> int | None:
        """The row of ``credential_id`` in ``credentials_`` (None for an id the index lacks)."""
        self.check_fitted()
        if self._position_of is None:
            self._position_of = {c.id: i for i, c in enumerate(self.credentials_)}
        return self._position_of.get(credential_id)

    def profile(self, credential_id: str) -> tuple[ProfileSkill, ...]:
        """The skills the index holds for one credential, strongest first (ties by label)."""
        position = self.position(credential_id)
        if position is None:
            raise InvalidInputError(f"no credential with id {credential_id!r} in the index; check the id")
        return profile_entries(self.profiles_, self.vocabulary_, position)

    # ------------------------------------------------------------------ skills of a text
    def skills(self, text: str, *, min_score: float | None = None) -> list[SkillMatch]:
        """The vocabulary skills ``text`` states, best first, with evidence (the stated skills of its role:
        ``skills.statements``); ``min_score`` leaves out those found with a lower similarity."""
        self.check_fitted()
        cut = stated_text(bounded_text(text))
        embeddings = self.role_builder_.encoder.encode(cut.segments) if cut.segments else np.zeros((0, 0))
        return self.role_builder_.stated_skills(cut, embeddings, min_score=min_score)

    def role(
        self,
        text: str | None = None,
        *,
        skills: Sequence[str] | str | None = None,
        have: str | None = None,
        title: str | None = None,
        min_score: float | None = None,
    ) -> Role:
        """The role profile ``recommend`` would use (skills needed, and skills removed as held)."""
        self.check_fitted()
        return self.role_builder_.build(text, skills=skills, have=have, title=title, min_score=min_score)[0]

    # ------------------------------------------------------------------ ranking
    def recommend(
        self,
        text: str | None = None,
        *,
        skills: Sequence[str] | str | None = None,
        have: str | None = None,
        k: int = 10,
        filters: Filters | None = None,
        title: str | None = None,
        min_score: float | None = None,
    ) -> QueryResult:
        """Rank credentials for a job description (``text``), a job ``title``, or a ``skills`` list.

        With ESCO occupations in the index, the title (and text) also pick the nearest occupations, whose
        skills the text does not state join the role as typical of them (``source="typical"``).
        ``min_score`` leaves out the text's skills found with a lower similarity.
        """
        self.check_k(k)
        role, vectors = self.role_builder_.build(text, skills=skills, have=have, title=title, min_score=min_score)
        return self._rank(role, vectors, k, filters or Filters())

    def recommend_embedded(
        self,
        segments: StatedText | Sequence[str],
        embeddings: np.ndarray,
        *,
        k: int = 10,
        filters: Filters | None = None,
        matches: Sequence[SegmentMatch] | None = None,
        title: str | None = None,
        document: np.ndarray | None = None,
    ) -> QueryResult:
        """``recommend`` for a description already split and embedded (batch scoring uses it).

        ``matches`` are ``extractor_.match_embeddings(embeddings, segments)`` when already known;
        ``document`` is the embedding of the whole text (``role_document``), encoded here when not given.
        """
        self.check_k(k)
        builder = self.role_builder_
        if document is None:
            text = segments.text if isinstance(segments, StatedText) else "\n".join(segments)
            document = builder.encoder.encode([role_document(text, title)])[0]
        vectors = builder.from_segments(segments, embeddings, matches, title=title, blend=True, whole=document)
        return self._rank(Role(vectors.skills), vectors, k, filters or Filters())

    def _rank(self, role: Role, vectors: RoleVectors, k: int, filters: Filters) -> QueryResult:
        n = len(self.credentials_)
        settings = self.settings
        allowed, notes = self._allowed(filters, vectors.text)
        evidence = self._evidence(vectors, allowed, min(n, k + int(n - allowed.sum())))
        coverage = evidence.coverage
        specific = evidence.specific_coverage  # computed when settings.specificity
        relevance = combine(
            specific if settings.specificity and specific is not None else coverage,
            evidence.precision if evidence.precision is not None else np.ones(n),
            evidence.lexical, evidence.dense, evidence.candidates, coverage_weight=settings.coverage_weight,
            lexical_weight=settings.lexical_weight, dense_weight=settings.dense_weight,
            precision_power=settings.precision_power, uncovered=settings.uncovered, has_skills=evidence.has_skills,
        )  # fmt: skip
        scores, document_similarity, credits, candidates = (
            relevance.score,
            evidence.dense,
            evidence.credits,
            evidence.candidates,
        )
        if not vectors.skills:
            notes.append("no skills of the vocabulary were found for the role: ranked by document similarity only")
        top = rank_order(scores, coverage, self.id_rank_, candidates)[:k]
        if len(top) < k:
            notes.append(f"only {len(top)} credentials pass the filters (asked for {k})")
        recommendations = tuple(
            self._explain(
                rank,
                int(c),
                float(scores[c]),
                float(coverage[c]),
                float(document_similarity[c]),
                vectors,
                credits,
                lexical=float(relevance.lexical[c]),
            )
            for rank, c in enumerate(top, start=1)
        )
        return QueryResult(role, recommendations, tuple(notes))

    def _allowed(self, filters: Filters, text: str) -> tuple[np.ndarray, list[str]]:
        """Which credentials pass ``filters`` (with the posting's own language by default), and notes."""
        filters, language_note = self._language_filter(filters, text)
        allowed, notes = filters.mask(self.facts_)
        if language_note and not allowed.all():
            notes.append(language_note.format(n=int(len(allowed) - allowed.sum())))
        return allowed, notes

    def _evidence(
        self, vectors: RoleVectors, allowed: np.ndarray, depth: int, *, complete: bool = False
    ) -> RankingEvidence:
        """Coverage, precision, TF-IDF and document cosine for the candidates: the credentials with any
        credit, and the ``depth`` best by document cosine and by TF-IDF (``complete``: every part, for
        every allowed credential). With a candidate stage (large catalogs, ``candidates.py``) the candidates
        are the strongest holders of each near skill, the document graph's nearest and the TF-IDF best, and
        only they are credited: each candidate's evidence is the full scan's, only the set is approximate."""
        n = len(self.credentials_)
        settings = self.settings
        stage = self.candidate_stage_ if not complete and candidates_wanted() else None
        weights = ranking_weights(vectors.skills, settings.transversal_weight)
        marked = np.zeros(n, dtype=bool)  # a mask, not np.unique: O(n) and no sort of every credited pair
        if stage is not None:
            matchable = self._matchable(self._role_positions(vectors))
            held = self.coverage_.candidates(vectors.embeddings, per_skill=stage.per_skill, matchable=matchable)
            marked[held.credential] = True
            strong = self.coverage_.candidates(
                vectors.embeddings, per_skill=stage.focus_read, min_similarity=stage.focus_similarity,
                matchable=matchable,
            )  # fmt: skip
            focused = likely_focused(
                strong, weights, self.profiles_.matrix.data, self.profile_totals_,
                precision_power=settings.precision_power, depth=stage.focus_depth,
            )  # fmt: skip
            marked[focused] = True
            # depth counts the credentials the filters leave out (the full scan drops them after); the graph
            # searches only the allowed ones
            marked[stage.nearest(vectors.query, depth - int(n - allowed.sum()), allowed)] = True
        else:
            near = self.document_index_.kneighbors(vectors.query[None, :], n_neighbors=depth, return_distance=False)
            marked[near[0]] = True
        lexical = np.zeros(n, dtype=np.float64)
        if (complete or settings.lexical_weight) and self.lexical_ is not None and vectors.text:
            lexical = self.lexical_.scores(vectors.text).astype(np.float64)
            best = depth if stage is None else min(n, max(depth, stage.lexical_depth))
            marked[np.argpartition(-lexical, best - 1)[:best]] = True
        credits = self.credits(vectors, within=marked & allowed if stage is not None else None)
        marked[credits.credential] = True
        coverage = coverage_by_credential(credits, weights, n)
        specific = None
        if complete or settings.specificity:
            specific = coverage_by_credential(credits, weights, n, self.specificity_)
        candidates = np.flatnonzero(allowed if complete else marked & allowed)
        dense = np.zeros(n, dtype=np.float64)
        dense[candidates] = self.profiles_.documents[candidates] @ vectors.query
        focus = (
            precision(credits, self.profiles_.matrix, n, self.profile_totals_)
            if complete or settings.precision_power
            else None
        )
        return RankingEvidence(credits, coverage, specific, focus, lexical, dense, candidates, bool(vectors.skills))

    @functools.cached_property
    def document_index_(self) -> NeighborIndex:
        """The exact cosine index over the credentials' document vectors (built on first use: at a million
        credentials it is a 1.5 GB normalised copy that the candidate stage never reads)."""
        return cosine_index(self.profiles_.documents, reference=self._reference_documents)

    def credits(self, vectors: RoleVectors, within: np.ndarray | None = None) -> Credits:
        """The best claimed match of each (role skill, credential): typed, sense-checked, weighed (claims.py);
        ``within``: a mask of the credentials to credit (the candidate stage's), else every credential."""
        role_positions = self._role_positions(vectors)
        pairs = self.coverage_.candidates(vectors.embeddings, within=within, matchable=self._matchable(role_positions))
        if not len(pairs.role):
            return Credits.empty()
        inside = role_positions >= 0
        descriptions = np.where(
            inside[:, None],
            self.description_embeddings_[np.maximum(role_positions, 0)],
            normalize_rows(vectors.embeddings),
        )
        settings, profiles = self.settings, self.profiles_
        types = match_types(
            self.structure_, role_positions, pairs, profiles.mention, semantic_similarity=settings.semantic_similarity
        )
        claims = check(
            pairs, types, descriptions, profiles.evidence, profiles.evidence_embeddings, profiles.documents,
            profiles.matrix.data, threshold=settings.claim_threshold,
        )  # fmt: skip
        return best_credits(claims)

    def _role_positions(self, vectors: RoleVectors) -> np.ndarray:
        """Each role skill's vocabulary position (-1 for a skill outside the vocabulary)."""
        positions = self.vocabulary_.index_of()
        return np.array([positions.get(s.id, -1) for s in vectors.skills], dtype=np.int64)

    def _matchable(self, role_positions: np.ndarray) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
        """Which (role skill, near skill) pairs can give a claim (``claims.can_match``): the others give none
        to any credential, so neither the full scan nor the candidate stage spreads them over credentials."""

        def matchable(role: np.ndarray, skill: np.ndarray, similarity: np.ndarray) -> np.ndarray:
            return can_match(
                self.structure_, role_positions, role, skill, similarity,
                semantic_similarity=self.settings.semantic_similarity,
            )  # fmt: skip

        return matchable

    def evidence(
        self, text: str | None = None, *, title: str | None = None, filters: Filters | None = None
    ) -> RankingEvidence:
        """Every part of the ranking for a role, for every credential that passes the filters
        (tuning and evaluation weigh them: ``scripts/relevance_levers.py``)."""
        self.check_fitted()
        _, vectors = self.role_builder_.build(text, title=title)
        allowed, _ = self._allowed(filters or Filters(), vectors.text)
        return self._evidence(vectors, allowed, len(self.credentials_), complete=True)

    def _language_filter(self, filters: Filters, text: str) -> tuple[Filters, str]:
        """``filters`` with the posting's own language when none is asked for ("any": no language filter)."""
        if filters.language is not None:
            if filters.language.strip().lower() == "any":
                return replace(filters, language=None), ""
            return filters, ""
        language = detect_language(text) if text else None
        if language is None:
            return filters, ""
        note = (
            f"{{n}} credentials in other languages than the posting's ({language}) were left out; "
            "--language any keeps them"
        )
        return replace(filters, language=language, keep_unknown_language=True), note

    def _explain(
        self,
        rank: int,
        c: int,
        score: float,
        coverage: float,
        similarity: float,
        vectors: RoleVectors,
        credits: Any,
        *,
        lexical: float = 0.0,
    ) -> Recommendation:
        return recommendation(
            self.credentials_[c], c, vectors, credits, self.profiles_, self.vocabulary_,
            rank=rank, score=score, coverage=coverage, similarity=similarity, lexical=lexical,
        )  # fmt: skip

    def requires(self, position: int) -> tuple[RequiredSkill, ...]:
        """The skills credential ``position``'s prerequisite sentences name (what a learner should bring)."""
        return required_skills(self.profiles_, self.vocabulary_, position)
