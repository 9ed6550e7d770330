"""Text → skills: match text segments to skill surface forms (labels and aliases) by cosine.

``SkillExtractor`` holds a vocabulary's surface-form embeddings in a scikit-learn
``NearestNeighbors`` index. A text is split into segments, each segment is embedded, its nearest
surface forms above ``threshold`` name its skills (at most ``per_segment`` per segment), and the
matches are aggregated per skill: the skill's score is its best similarity, and the segments that
matched are kept as evidence.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..encoders.base import Encoder
from ..encoders.cache import ShardStore, text_key
from ..errors import NotFittedError
from ..inputs.taxonomy import Vocabulary
from .lexical import FormMatcher
from .neighbors import CosineNeighbors, cosine_index
from .results import Evidence, SkillMatch
from .segment import split_segments

# Chosen on the TECH + HOUSE validation sets with all-MiniLM-L6-v2 (docs/threshold.md,
# scripts/tune_threshold.py, recommender/evaluation/calibration.py): the settings with the best micro-F1 of
# extracted skills (33.8; 26.6 without the exact-form boost).
DEFAULT_THRESHOLD = 0.65
DEFAULT_PER_SEGMENT = 2
# A segment of at most SHORT_SEGMENT_WORDS words ("technologies", "which includes policy") is
# matched only at DEFAULT_SHORT_THRESHOLD or above: on validation this cut false positives
# at a small cost in recall.
SHORT_SEGMENT_WORDS = 2
DEFAULT_SHORT_THRESHOLD = 0.85
# A skill whose label or alias the segment names word for word ("... pipelines in Python") gains this
# much: such a skill is nearly always taken (lexical.FormMatcher decides what counts as named).
DEFAULT_EXACT_BOOST = 0.5
MAX_EVIDENCE = 3
_NEIGHBOUR_BLOCK = 512  # segments matched against every surface form at once (bounds the distance matrix)


@dataclass(frozen=True)
class SegmentMatch:
    """A skill matched by one segment."""

    segment: int
    skill: int
    similarity: float
    form: int


class SkillExtractor:
    """Find the skills of a vocabulary in free text, with evidence.

    Parameters
    ----------
    threshold:
        Minimum cosine between a segment and a skill's label or alias.
    per_segment:
        At most this many skills are taken from one segment (its best matches).
    short_threshold:
        The threshold for segments of at most ``SHORT_SEGMENT_WORDS`` words (never below ``threshold``).
    n_neighbors:
        Surface forms fetched per segment before grouping them by skill.
    exact_boost:
        Added to a skill's score in a segment that names one of its forms word for word.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        per_segment: int = DEFAULT_PER_SEGMENT,
        n_neighbors: int = 32,
        short_threshold: float = DEFAULT_SHORT_THRESHOLD,
        exact_boost: float = DEFAULT_EXACT_BOOST,
    ) -> None:
        self.threshold = threshold
        self.per_segment = per_segment
        self.short_threshold = short_threshold
        self.n_neighbors = n_neighbors
        self.exact_boost = exact_boost

    def fit(
        self,
        vocabulary: Vocabulary,
        encoder: Encoder,
        *,
        form_embeddings: np.ndarray | None = None,
        progress: bool = False,
        reference: bool = True,
        unit_rows: np.ndarray | None = None,
        matcher: FormMatcher | None = None,
    ) -> SkillExtractor:
        """Embed every surface form of ``vocabulary`` (or take them precomputed) and index them.

        ``reference`` indexes with scikit-learn; otherwise with its identical numpy twin
        (``neighbors.CosineNeighbors``), which loads 2 s faster (what ``store.load_index`` uses).
        ``unit_rows`` (the numpy index's normalised form embeddings) and ``matcher`` (the exact-form
        matcher) are what ``store.load_index`` passes when the index saved them, instead of rebuilding.
        """
        forms, form_skill = vocabulary.surface_forms()
        if form_embeddings is None:
            form_embeddings = encoder.encode(forms, progress=progress)
        if len(form_embeddings) != len(forms):
            raise ValueError(f"{len(form_embeddings)} form embeddings for {len(forms)} surface forms")
        self.vocabulary_ = vocabulary
        self.encoder_ = encoder
        self.forms_ = forms
        self.form_skill_ = np.asarray(form_skill, dtype=np.int32)
        self.form_embeddings_ = np.asarray(form_embeddings, dtype=np.float32)
        self.index_ = cosine_index(self.form_embeddings_, reference=reference, unit=unit_rows)
        self.matcher_: FormMatcher | None = matcher  # else built on first use
        self.__dict__.pop("_forms_by_skill", None)
        self.forms_key_ = hashlib.blake2b("\n".join(forms).encode("utf-8"), digest_size=12).hexdigest()
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "index_"):
            raise NotFittedError("SkillExtractor is not fitted: call fit() first")

    def nearest_forms(self, embeddings: np.ndarray, n_neighbors: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and cosine similarities of each row's nearest surface forms, best first."""
        self._check_fitted()
        if len(embeddings) == 0:
            return np.zeros((0, 0), dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        n_neighbors = min(n_neighbors, len(self.forms_))
        if isinstance(self.index_, CosineNeighbors):  # the same neighbours, ties by index, 3x faster
            distances, indices = self.index_.nearest(embeddings, n_neighbors)
        else:
            distances, indices = self.index_.kneighbors(embeddings, n_neighbors=n_neighbors)
            # Identical surface forms (ESCO skills share aliases) tie exactly; order ties by form index
            # so the pick never depends on the sort algorithm or on rounding elsewhere in the row.
            order = np.lexsort((indices, distances), axis=-1)
            indices, distances = np.take_along_axis(indices, order, -1), np.take_along_axis(distances, order, -1)
        return indices, (1.0 - distances).astype(np.float32)

    def segment_neighbours(
        self, texts: Sequence[str], embeddings: np.ndarray, store: ShardStore | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``nearest_forms(embeddings, n_neighbors)`` for segments ``texts``, each distinct text computed
        once, in blocks of ``_NEIGHBOUR_BLOCK`` rows; ``store`` (see ``cache.neighbour_store``) keeps them
        across runs, so a re-index matches only segments it has not seen."""
        self._check_fitted()
        keys = [text_key(text) for text in texts]
        first: dict[bytes, int] = {}
        for row, key in enumerate(keys):
            first.setdefault(key, row)
        known = store.rows() if store is not None else {}
        missing = [key for key in first if key not in known]
        computed: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
        for start in range(0, len(missing), _NEIGHBOUR_BLOCK):
            block = missing[start : start + _NEIGHBOUR_BLOCK]
            indices, similarities = self.nearest_forms(embeddings[[first[key] for key in block]], self.n_neighbors)
            indices = indices.astype(np.int32)
            if store is not None:
                store.add(block, indices, similarities)
            else:
                computed.update(zip(block, zip(indices, similarities, strict=True), strict=True))
        if not keys:
            return np.zeros((0, 0), dtype=np.int32), np.zeros((0, 0), dtype=np.float32)
        if store is not None:
            indices, similarities = store.get(keys)
            return indices, similarities
        return np.stack([computed[key][0] for key in keys]), np.stack([computed[key][1] for key in keys])

    def rank_skills(self, embeddings: np.ndarray, top_n: int = 100) -> list[list[tuple[int, float]]]:
        """For each embedding, skills ranked by their best-matching surface form (no threshold)."""
        indices, similarities = self.nearest_forms(embeddings, max(top_n * 4, self.n_neighbors))
        ranked: list[list[tuple[int, float]]] = []
        for row_indices, row_sims in zip(indices, similarities, strict=True):
            seen: dict[int, float] = {}
            for form, sim in zip(row_indices, row_sims, strict=True):
                skill = int(self.form_skill_[form])
                if skill not in seen:
                    seen[skill] = float(sim)
                    if len(seen) == top_n:
                        break
            ranked.append(list(seen.items()))
        return ranked

    def match_embeddings(
        self,
        embeddings: np.ndarray,
        segments: Sequence[str] | None = None,
        *,
        threshold: float | None = None,
        per_segment: int | None = None,
        neighbours: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[SegmentMatch]:
        """Skills above the threshold for each embedded segment (row order = segment ids).

        With ``segments`` (the texts of the rows), short segments need ``short_threshold`` and a
        skill named word for word gains ``exact_boost``. ``neighbours``: the rows' ``nearest_forms``
        when already known (``segment_neighbours``).
        """
        threshold = self.threshold if threshold is None else threshold
        per_segment = self.per_segment if per_segment is None else per_segment
        short = max(threshold, self.short_threshold)
        matches: list[SegmentMatch] = []
        for segment, candidates in enumerate(self.segment_candidates(embeddings, segments, neighbours)):
            needed = threshold
            if segments is not None and len(segments[segment].split()) <= SHORT_SEGMENT_WORDS:
                needed = short
            for skill, score, form in candidates[:per_segment]:
                if score < needed:
                    break
                matches.append(SegmentMatch(segment, skill, min(score, 1.0), form))
        return matches

    def segment_candidates(
        self,
        embeddings: np.ndarray,
        segments: Sequence[str] | None = None,
        neighbours: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[list[tuple[int, float, int]]]:
        """Per row, ``(skill, score, form)`` best first: each skill once, scored by its nearest form's
        cosine, plus ``exact_boost`` when ``segments`` name one of its forms word for word (a skill
        named so but not among the nearest forms joins with its best form's cosine)."""
        indices, similarities = neighbours or self.nearest_forms(embeddings, self.n_neighbors)
        matcher = self._matcher() if segments is not None and self.exact_boost else None
        result: list[list[tuple[int, float, int]]] = []
        for row, (row_indices, row_sims) in enumerate(zip(indices, similarities, strict=True)):
            best: dict[int, tuple[float, int]] = {}
            for form, sim in zip(row_indices.tolist(), row_sims.tolist(), strict=True):
                best.setdefault(int(self.form_skill_[form]), (sim, form))
            if matcher is not None:
                for skill in dict.fromkeys(skill for skill, _ in matcher.find(segments[row])):  # type: ignore[index]
                    sim, form = best.get(skill) or self._best_form(skill, embeddings[row])
                    best[skill] = (sim + self.exact_boost, form)
            result.append(sorted(((k, v[0], v[1]) for k, v in best.items()), key=lambda c: (-c[1], c[2])))
        return result

    def _best_form(self, skill: int, embedding: np.ndarray) -> tuple[float, int]:
        forms = self._forms_by_skill[1][self._forms_by_skill[0][skill] : self._forms_by_skill[0][skill + 1]]
        cosines = self.form_embeddings_[forms] @ (embedding / max(float(np.linalg.norm(embedding)), 1e-12))
        best = int(np.argmax(cosines))
        return float(cosines[best]), int(forms[best])

    @functools.cached_property
    def _forms_by_skill(self) -> tuple[np.ndarray, np.ndarray]:
        """(start offsets per skill, form indices grouped by skill)."""
        order = np.argsort(self.form_skill_, kind="stable")
        starts = np.searchsorted(self.form_skill_[order], np.arange(len(self.vocabulary_) + 1))
        return starts, order

    def form_matcher(self) -> FormMatcher:
        """The exact-form matcher (``lexical.FormMatcher``) of the fitted vocabulary."""
        self._check_fitted()
        return self._matcher()

    def _matcher(self) -> FormMatcher:
        # Built on first use (0.7 s for ESCO's 99k forms): queries that never read text skip it.
        if getattr(self, "matcher_", None) is None:
            self.matcher_ = FormMatcher(self.vocabulary_)
        return self.matcher_

    def aggregate(self, segments: Sequence[str], matches: Sequence[SegmentMatch]) -> list[SkillMatch]:
        """Group segment matches by skill; best score first, ties by label."""
        by_skill: dict[int, list[SegmentMatch]] = {}
        for match in matches:
            by_skill.setdefault(match.skill, []).append(match)
        found: list[SkillMatch] = []
        for skill_index, skill_matches in by_skill.items():
            # Equal scores (a named skill's boosted score is capped at 1): the shorter segment is the crisper evidence.
            skill_matches.sort(key=lambda m: (-m.similarity, len(segments[m.segment]), m.segment))
            skill = self.vocabulary_.skills[skill_index]
            evidence = tuple(
                Evidence(segments[m.segment], m.similarity, self.forms_[m.form]) for m in skill_matches[:MAX_EVIDENCE]
            )
            found.append(SkillMatch(skill.id, skill.label, skill_matches[0].similarity, evidence))
        found.sort(key=lambda s: (-s.score, s.label))
        return found

    def extract(self, text: str) -> list[SkillMatch]:
        """The skills ``text`` mentions, best first, each with its evidence."""
        self._check_fitted()
        segments = split_segments(text)
        embeddings = self.encoder_.encode(segments)
        return self.aggregate(segments, self.match_embeddings(embeddings, segments))

    def map_names(
        self, names: Sequence[str], threshold: float | None = None, embeddings: np.ndarray | None = None
    ) -> list[tuple[int | None, float]]:
        """Map skill names onto the vocabulary: exact label/alias first, then the nearest form.

        Returns ``(skill position, similarity)`` per name; ``(None, best similarity)`` when nothing
        is close enough.
        """
        self._check_fitted()
        threshold = self.threshold if threshold is None else threshold
        result: list[tuple[int | None, float]] = [(None, 0.0)] * len(names)
        unresolved: list[int] = []
        for i, name in enumerate(names):
            exact = self.vocabulary_.lookup(name)
            if exact is not None:
                result[i] = (exact, 1.0)
            else:
                unresolved.append(i)
        if unresolved:
            if embeddings is None:
                vectors = self.encoder_.encode([names[i] for i in unresolved])
            else:
                vectors = embeddings[unresolved]
            ranked = self.rank_skills(vectors, top_n=1)
            for i, best in zip(unresolved, ranked, strict=True):
                skill, sim = best[0] if best else (None, 0.0)
                result[i] = (skill, sim) if skill is not None and sim >= threshold else (None, sim)
        return result
