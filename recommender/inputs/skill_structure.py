"""How skills relate to each other: ESCO's broader/narrower pillar, its skill-to-skill relations and groups.

ESCO publishes three files beside ``skills_en.csv`` that say how skills relate, and this module reads
them as downloaded:

- ``broaderRelationsSkillPillar.csv``: each skill's (or skill group's) direct broader concept — a
  broader skill ("Python" → "computer programming") or a skill group ("computer programming" →
  "programming computer systems");
- ``skillSkillRelations.csv``: skills that go together (essential or optional for each other);
- ``skillGroups_en.csv`` / ``skillsHierarchy_en.csv``: the groups' labels.

:class:`SkillStructure` holds them over a vocabulary's positions: skills are nodes ``0 .. n-1``, skill
groups follow them. A generic vocabulary can give the same structure in optional ``broader`` and
``related`` columns (ids separated by ``|``); without them the structure is empty and every match between
two different skills is judged by meaning alone.
"""

from __future__ import annotations

import functools

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .fields import parse_text
from .tabular import PathLike, read_records
from .taxonomy import Vocabulary

__all__ = ["BROADER_FILE", "RELATED_FILE", "SkillStructure", "load_skill_structure"]

logger = logging.getLogger(__name__)

BROADER_FILE = "broaderRelationsSkillPillar.csv"
RELATED_FILE = "skillSkillRelations.csv"
GROUPS_FILE = "skillGroups_en.csv"


@dataclass(frozen=True)
class SkillStructure:
    """Broader links (child → direct parent, over skills then groups) and skill-to-skill relations."""

    ARRAYS = (
        "structure_parents_indptr",
        "structure_parents_indices",
        "structure_related_indptr",
        "structure_related_indices",
    )

    n_skills: int
    parents: sp.csr_matrix  # nodes × nodes, 1 where the column is a direct broader concept of the row
    related: sp.csr_matrix  # skills × skills, symmetric
    group_ids: tuple[str, ...] = ()
    group_labels: tuple[str, ...] = ()

    @classmethod
    def empty(cls, n_skills: int) -> SkillStructure:
        """No structure: every skill stands alone."""
        return cls(
            n_skills,
            sp.csr_matrix((n_skills, n_skills), dtype=np.int8),
            sp.csr_matrix((n_skills, n_skills), dtype=np.int8),
        )

    @classmethod
    def from_links(
        cls,
        n_skills: int,
        broader: Iterable[tuple[int, int]],
        related: Iterable[tuple[int, int]],
        group_ids: Sequence[str] = (),
        group_labels: Sequence[str] = (),
    ) -> SkillStructure:
        """Build from ``(child node, parent node)`` and ``(skill, skill)`` pairs (nodes ≥ ``n_skills`` are groups)."""
        nodes = n_skills + len(group_ids)
        return cls(
            n_skills,
            _adjacency(list(broader), nodes, symmetric=False),
            _adjacency(list(related), n_skills, symmetric=True),
            tuple(group_ids),
            tuple(group_labels),
        )

    def extended(self, n_skills: int) -> SkillStructure:
        """The same structure over a vocabulary with skills appended (they stand alone); groups move after them."""
        added = n_skills - self.n_skills
        if added < 0:
            raise ValueError(f"cannot shrink a structure of {self.n_skills} skills to {n_skills}")
        parents = self.parents.tocoo()
        shift = lambda nodes: np.where(nodes >= self.n_skills, nodes + added, nodes)  # noqa: E731
        links = zip(shift(parents.row).tolist(), shift(parents.col).tolist(), strict=True)
        related = self.related.tocoo()
        return SkillStructure.from_links(
            n_skills,
            links,
            zip(related.row.tolist(), related.col.tolist(), strict=True),
            self.group_ids,
            self.group_labels,
        )

    @functools.cached_property
    def relation_memo(self) -> dict[tuple[int, int], int]:
        """Relations callers derived from this structure, by (skill, skill): kept as long as the structure,
        so a batch reads each pair's ancestors once (``matching.claims.match_types``)."""
        return {}

    @property
    def is_empty(self) -> bool:
        return self.parents.nnz == 0 and self.related.nnz == 0

    def broader(self, node: int) -> np.ndarray:
        """The direct broader concepts of ``node`` (skills and groups)."""
        return self.parents.indices[self.parents.indptr[node] : self.parents.indptr[node + 1]]

    def ancestors(self, node: int, depth: int) -> dict[int, int]:
        """Broader concepts up to ``depth`` links above ``node``: ``{node: links}``."""
        found: dict[int, int] = {}
        frontier = [node]
        for level in range(1, depth + 1):
            step: list[int] = []
            for current in frontier:
                for parent in self.broader(current).tolist():
                    if parent not in found and parent != node:
                        found[parent] = level
                        step.append(parent)
            frontier = step
        return found

    def are_related(self, a: int, b: int) -> bool:
        """Whether ESCO relates skills ``a`` and ``b`` directly (either is essential or optional for the other)."""
        row = self.related.indices[self.related.indptr[a] : self.related.indptr[a + 1]]
        return bool(np.any(row == b))

    def arrays(self) -> dict[str, np.ndarray]:
        """What an index saves (``from_arrays`` reads it back)."""
        return {
            "structure_parents_indptr": self.parents.indptr.astype(np.int64),
            "structure_parents_indices": self.parents.indices.astype(np.int32),
            "structure_related_indptr": self.related.indptr.astype(np.int64),
            "structure_related_indices": self.related.indices.astype(np.int32),
        }

    def document(self) -> dict[str, list[str]]:
        return {"group_ids": list(self.group_ids), "group_labels": list(self.group_labels)}

    @classmethod
    def from_arrays(
        cls, n_skills: int, arrays: Mapping[str, np.ndarray], document: Mapping[str, list[str]]
    ) -> SkillStructure:
        groups = list(document.get("group_ids", ()))
        nodes = n_skills + len(groups)

        def matrix(name: str, size: int) -> sp.csr_matrix:
            indptr, indices = np.asarray(arrays[f"{name}_indptr"]), np.asarray(arrays[f"{name}_indices"])
            return sp.csr_matrix((np.ones(len(indices), dtype=np.int8), indices, indptr), shape=(size, size))

        return cls(
            n_skills,
            matrix("structure_parents", nodes),
            matrix("structure_related", n_skills),
            tuple(groups),
            tuple(document.get("group_labels", ())),
        )


def _adjacency(pairs: list[tuple[int, int]], size: int, *, symmetric: bool) -> sp.csr_matrix:
    if symmetric:
        pairs = pairs + [(b, a) for a, b in pairs]
    pairs = [(a, b) for a, b in pairs if a != b]
    if not pairs:
        return sp.csr_matrix((size, size), dtype=np.int8)
    rows, cols = np.array(pairs, dtype=np.int64).T
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(size, size))
    matrix.sum_duplicates()
    matrix.data[:] = 1
    matrix.sort_indices()
    return matrix


def load_skill_structure(folder: PathLike, vocabulary: Vocabulary) -> SkillStructure:
    """ESCO's skill structure from its CSV export folder, over ``vocabulary``'s positions.

    Links to skills the vocabulary lacks are left out (and counted in the log); a folder without the
    structure files gives an empty structure, with a warning naming what is missing.
    """
    base = Path(folder)
    if base.is_file():
        base = base.parent
    position = vocabulary.index_of()
    broader_path, related_path = base / BROADER_FILE, base / RELATED_FILE
    if not broader_path.is_file() and not related_path.is_file():
        logger.warning("%s has no %s or %s: skills are matched by meaning only", base, BROADER_FILE, RELATED_FILE)
        return SkillStructure.empty(len(vocabulary))
    group_label = _group_labels(base / GROUPS_FILE)
    groups: dict[str, int] = {}
    n = len(vocabulary)

    def node(uri: str) -> int | None:
        if uri in position:
            return position[uri]
        if uri in group_label or "isced" in uri or "/skill/" in uri:
            # A skill group (or a skill outside the vocabulary, kept as a plain node so chains stay whole).
            return groups.setdefault(uri, n + len(groups))
        return None

    broader: list[tuple[int, int]] = []
    if broader_path.is_file():
        for record in read_records(broader_path, kind="ESCO broader relations"):
            child, parent = (parse_text(record.values.get(c)) for c in ("conceptUri", "broaderUri"))
            a, b = node(child), node(parent)
            if a is not None and b is not None:
                broader.append((a, b))
    related: list[tuple[int, int]] = []
    skipped = 0
    if related_path.is_file():
        for record in read_records(related_path, kind="ESCO skill relations"):
            a, b = (position.get(parse_text(record.values.get(c))) for c in ("originalSkillUri", "relatedSkillUri"))
            if a is None or b is None:
                skipped += 1
                continue
            related.append((a, b))
    if skipped:
        logger.info("%d skill relations name skills outside the vocabulary: left out", skipped)
    ids = sorted(groups, key=groups.__getitem__)
    return SkillStructure.from_links(n, broader, related, ids, [group_label.get(uri, "") for uri in ids])


def _group_labels(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    return {
        parse_text(record.values.get("conceptUri")): parse_text(record.values.get("preferredLabel"))
        for record in read_records(path, kind="ESCO skill groups")
    }
