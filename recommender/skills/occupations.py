"""ESCO occupations: titles and descriptions → occupations → their essential and optional skills.

:func:`load_occupations` reads ESCO's ``occupations_en.csv`` and ``occupationSkillRelations.csv``
as downloaded. :class:`OccupationIndex` embeds every occupation's preferred and alternative labels
(a title matches an occupation through its best label) and its description, and turns the
relations into sparse occupation × skill matrices for a vocabulary.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..encoders.base import Encoder
from ..errors import InvalidInputError, NotFittedError
from ..inputs.fields import parse_text
from ..inputs.tabular import PathLike, Record, peek_columns, read_records
from ..inputs.taxonomy import Vocabulary, normalize_label

__all__ = ["Occupation", "OccupationIndex", "find_occupations_folder", "load_occupations"]

logger = logging.getLogger(__name__)

OCCUPATIONS_FILE = "occupations_en.csv"
RELATIONS_FILE = "occupationSkillRelations.csv"
RELATION_TYPES = ("essential", "optional")
_CHUNK = 256  # queries scored against all occupation labels at once


@dataclass(frozen=True)
class Occupation:
    """One occupation: its id (ESCO URI), labels, description and the skill ids it relates to."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    code: str = ""
    essential: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Occupation:
        return cls(
            id=d["id"],
            label=d["label"],
            aliases=tuple(d.get("aliases", ())),
            description=d.get("description", ""),
            code=d.get("code", ""),
            essential=tuple(d.get("essential", ())),
            optional=tuple(d.get("optional", ())),
        )


def find_occupations_folder(path: PathLike) -> Path | None:
    """The ESCO folder holding ``occupations_en.csv`` for a taxonomy path (folder or file), else None."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    return folder if (folder / OCCUPATIONS_FILE).is_file() and (folder / RELATIONS_FILE).is_file() else None


def _require(path: Path, available: list[str], needed: Sequence[str], what: str) -> None:
    missing = [c for c in needed if c not in available]
    if missing:
        raise InvalidInputError(
            f"{path} has no {', '.join(missing)} column(s) (columns: {', '.join(available)}); pass ESCO's "
            f"{what} as downloaded (the ESCO CSV export, English)"
        )


def _records(path: Path, needed: Sequence[str], what: str) -> Iterator[Record]:
    available, stream = peek_columns(read_records(path, kind=what))
    _require(path, available, needed, what)
    return stream


def load_occupations(path: PathLike) -> list[Occupation]:
    """Read ESCO occupations and their skill relations.

    ``path`` is the ESCO export folder (holding ``occupations_en.csv`` and
    ``occupationSkillRelations.csv``) or ``occupations_en.csv`` itself, with the relations file
    beside it. Alternative labels are the newline-separated ``altLabels``; relations of type
    ``essential`` or ``optional`` attach skill URIs to occupations, in file order.
    """
    p = Path(path)
    occupations_file = p / OCCUPATIONS_FILE if p.is_dir() else p
    relations_file = occupations_file.parent / RELATIONS_FILE
    for needed in (occupations_file, relations_file):
        if not needed.is_file():
            raise InvalidInputError(
                f"{needed} not found; --occupations takes ESCO's CSV export folder, which holds "
                f"{OCCUPATIONS_FILE} and {RELATIONS_FILE}"
            )
    rows: dict[str, dict[str, Any]] = {}
    for record in _records(occupations_file, ("conceptUri", "preferredLabel"), "occupations file"):
        uri, label = parse_text(record.values.get("conceptUri")), parse_text(record.values.get("preferredLabel"))
        if not uri or not label:
            raise InvalidInputError(
                f"{occupations_file}, row {record.row}: an occupation needs a conceptUri and a preferredLabel; "
                "fix or remove the row"
            )
        seen = {normalize_label(label)}
        aliases = []
        for alias in str(record.values.get("altLabels") or "").splitlines():
            alias, key = alias.strip(), normalize_label(alias)
            if key and key not in seen:
                seen.add(key)
                aliases.append(alias)
        rows.setdefault(
            uri,
            {
                "id": uri,
                "label": label,
                "aliases": tuple(aliases),
                "description": parse_text(record.values.get("description")),
                "code": parse_text(record.values.get("code")),
                "essential": [],
                "optional": [],
            },
        )
    unknown = 0
    needed_columns = ("occupationUri", "relationType", "skillUri")
    for record in _records(relations_file, needed_columns, "occupation-skill relations file"):
        uri = str(record.values.get("occupationUri") or "").strip()
        kind = str(record.values.get("relationType") or "").strip().lower()
        skill = str(record.values.get("skillUri") or "").strip()
        if kind not in RELATION_TYPES or not skill:
            raise InvalidInputError(
                f"{relations_file}, row {record.row}: relationType must be essential or optional and skillUri "
                f"must be set (got {kind!r}, {skill!r}); fix or remove the row"
            )
        if uri not in rows:
            unknown += 1
            continue
        if skill not in rows[uri][kind]:
            rows[uri][kind].append(skill)
    if unknown:
        message = "%s: %d relations name occupations not in %s (ignored)"
        logger.warning(message, relations_file, unknown, OCCUPATIONS_FILE)
    if not rows:
        raise InvalidInputError(f"{occupations_file} has no occupations")
    return [
        Occupation(**{**r, "essential": tuple(r["essential"]), "optional": tuple(r["optional"])}) for r in rows.values()
    ]


class OccupationIndex:
    """Match titles and texts to occupations; expose the occupations' skills for a vocabulary.

    A title's similarity to an occupation is its best cosine over the occupation's preferred and
    alternative labels; a text's is its cosine to the occupation's embedded description.
    """

    ARRAYS = ("occupation_form_embeddings", "occupation_description_embeddings")  # saved with an index

    def fit(
        self,
        occupations: Sequence[Occupation],
        encoder: Encoder,
        *,
        form_embeddings: np.ndarray | None = None,
        description_embeddings: np.ndarray | None = None,
        progress: bool = False,
    ) -> OccupationIndex:
        """Embed every occupation label and description (or take them precomputed, as ``load`` does)."""
        if not occupations:
            raise InvalidInputError("no occupations to index")
        forms: list[str] = []
        starts: list[int] = []
        for occupation in occupations:
            starts.append(len(forms))
            forms.extend((occupation.label, *occupation.aliases))
        if form_embeddings is None:
            form_embeddings = encoder.encode(forms, progress=progress)
        if description_embeddings is None:
            texts = [f"{o.label}. {o.description}" if o.description else o.label for o in occupations]
            description_embeddings = encoder.encode(texts, progress=progress)
        if len(form_embeddings) != len(forms) or len(description_embeddings) != len(occupations):
            raise ValueError("precomputed occupation embeddings do not match the occupations")
        self.occupations_ = tuple(occupations)
        self.forms_ = forms
        self.form_starts_ = np.asarray(starts, dtype=np.int64)
        self.form_embeddings_ = np.asarray(form_embeddings, dtype=np.float32)  # encoders give unit rows
        self.description_embeddings_ = np.asarray(description_embeddings, dtype=np.float32)
        self.ids_ = {o.id: i for i, o in enumerate(occupations)}
        return self

    def __len__(self) -> int:
        return len(self.occupations_)

    def _check_fitted(self) -> None:
        if not hasattr(self, "occupations_"):
            raise NotFittedError("OccupationIndex is not fitted: call fit() first")

    def title_similarity(self, embeddings: np.ndarray) -> np.ndarray:
        """Per query row and occupation: the best cosine over the occupation's labels."""
        self._check_fitted()
        best = np.zeros((len(embeddings), len(self)), dtype=np.float32)
        for start in range(0, len(embeddings), _CHUNK):
            sims = np.asarray(embeddings[start : start + _CHUNK], np.float32) @ self.form_embeddings_.T
            best[start : start + _CHUNK] = np.maximum.reduceat(sims, self.form_starts_, axis=1)
        return best

    def best_label(self, embedding: np.ndarray, occupation: int) -> tuple[str, float]:
        """The label of ``occupation`` closest to one embedded title, and its cosine."""
        self._check_fitted()
        end = self.form_starts_[occupation + 1] if occupation + 1 < len(self) else len(self.forms_)
        sims = self.form_embeddings_[self.form_starts_[occupation] : end] @ np.asarray(embedding, np.float32)
        best = int(np.argmax(sims))
        return self.forms_[int(self.form_starts_[occupation]) + best], float(sims[best])

    def text_similarity(self, embeddings: np.ndarray) -> np.ndarray:
        """Cosine of each query row to each occupation's description."""
        self._check_fitted()
        return np.asarray(embeddings, np.float32) @ self.description_embeddings_.T

    def rank_titles(self, embeddings: np.ndarray, top_n: int = 10) -> list[list[tuple[int, float]]]:
        """For each embedded title, occupations ranked by their best label cosine."""
        best = self.title_similarity(embeddings)
        top_n = min(top_n, len(self))
        order = np.argsort(-best, axis=1, kind="stable")[:, :top_n]
        return [[(int(o), float(row[o])) for o in ranks] for row, ranks in zip(best, order, strict=True)]

    def skill_matrices(self, vocabulary: Vocabulary) -> tuple[sp.csr_matrix, sp.csr_matrix, int]:
        """Occupation × skill 0/1 matrices (essential, optional) over ``vocabulary``'s positions.

        Returns them with the number of related skills the vocabulary does not hold (left out).
        """
        self._check_fitted()
        positions = vocabulary.index_of()
        missing = 0
        matrices = []
        for kind in RELATION_TYPES:
            rows: list[int] = []
            cols: list[int] = []
            for i, occupation in enumerate(self.occupations_):
                for skill in getattr(occupation, kind):
                    position = positions.get(skill)
                    if position is None:
                        missing += 1
                    else:
                        rows.append(i)
                        cols.append(position)
            data = np.ones(len(rows), dtype=np.float32)
            matrices.append(sp.csr_matrix((data, (rows, cols)), shape=(len(self), len(vocabulary))))
        return matrices[0], matrices[1], missing

    # ---------------------------------------------------------------- persistence (Recommender.save/load)
    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "occupation_form_embeddings": self.form_embeddings_,
            "occupation_description_embeddings": self.description_embeddings_,
        }

    @classmethod
    def from_saved(cls, arrays: dict[str, np.ndarray], occupations: Sequence[Occupation]) -> OccupationIndex:
        """An index from saved embeddings (``ARRAYS``), without an encoder."""
        return cls().fit(
            occupations,
            encoder=None,  # type: ignore[arg-type]  # embeddings are given
            form_embeddings=arrays["occupation_form_embeddings"],
            description_embeddings=arrays["occupation_description_embeddings"],
        )
