"""Skill vocabularies: ESCO's CSV export, a generic skills file, or a catalog's declared skills.

A :class:`Vocabulary` is an ordered tuple of :class:`Skill` entries plus the lookups the matcher
needs: every surface form (label or alias) with the position of its skill, and an exact lookup on
:func:`normalize_label` forms.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InvalidInputError
from .fields import is_missing, parse_text
from .tabular import PathLike, Record, peek_columns, read_records

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = ["Skill", "Vocabulary", "load_taxonomy", "normalize_label", "vocabulary_from_catalog"]

logger = logging.getLogger(__name__)

ESCO_SKILLS_FILE = "skills_en.csv"
GENERIC_COLUMNS = ("id", "label", "aliases", "description", "type", "reuse_level")
# The same roles, in order. ESCO's skillType: knowledge | skill/competence; reuseLevel: transversal |
# cross-sector | sector-specific | occupation-specific.
ESCO_COLUMNS = ("conceptUri", "preferredLabel", "altLabels", "description", "skillType", "reuseLevel")
_TRANSLATE = str.maketrans(
    {
        **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"},
        **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032`"},
        **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"},
    }
)
_LEADING = " ,;:!?'\"*•·-_"
_TRAILING = " .,;:!?'\"*•·-_"
_PAIRS = ("()", "[]", "{}")


def normalize_label(text: str) -> str:
    """Return the comparison form of a skill name.

    Casefolds, unifies Unicode dashes and quotes, collapses whitespace, removes spaces around
    ``-`` and ``/``, and strips surrounding punctuation (keeping a leading ``.`` as in ``.net``
    and symbols such as ``c++`` or ``c#``).

    >>> normalize_label("  Data - Analysis. ")
    'data-analysis'
    """
    s = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).casefold()
    s = re.sub(r"\s*([-/])\s*", r"\1", " ".join(s.split()))
    while True:
        before = s
        s = s.lstrip(_LEADING).rstrip(_TRAILING)
        if len(s) >= 2 and s[0] + s[-1] in _PAIRS and not any(c in s[1:-1] for c in "()[]{}"):
            s = s[1:-1]
        if s == before:
            return s


@dataclass(frozen=True)
class Skill:
    """One skill: a stable id, a display label, alternative names, a description, its type (ESCO:
    ``knowledge`` or ``skill/competence``) and reuse level (ESCO: ``transversal``, ``cross-sector``,
    ``sector-specific`` or ``occupation-specific``); the last two are empty when the vocabulary does not say."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    type: str = ""
    reuse_level: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """An ordered set of skills; ``source`` is ``"esco"``, ``"generic"`` or ``"catalog"``."""

    skills: tuple[Skill, ...]
    source: str

    def __len__(self) -> int:
        return len(self.skills)

    def __iter__(self) -> Iterator[Skill]:
        return iter(self.skills)

    @cached_property
    def _index(self) -> dict[str, int]:
        return {skill.id: i for i, skill in enumerate(self.skills)}

    @cached_property
    def _forms(self) -> tuple[list[str], np.ndarray, Mapping[str, int]]:
        forms: list[str] = []
        positions: list[int] = []
        # A name that is one skill's label and another's alias means the labelled skill.
        labels: dict[str, int] = {}
        aliases: dict[str, int] = {}
        for i, skill in enumerate(self.skills):
            seen: set[str] = set()
            for rank, form in enumerate((skill.label, *skill.aliases)):
                key = normalize_label(form)
                if key and key not in seen:
                    seen.add(key)
                    forms.append(form)
                    positions.append(i)
                    (aliases if rank else labels).setdefault(key, i)
        return forms, np.asarray(positions, dtype=np.int32), {**aliases, **labels}

    def surface_form_tables(self) -> tuple[list[str], np.ndarray, Mapping[str, int]]:
        """Every surface form, each one's skill position, and the ``lookup`` table of normalised names
        (saved beside an index, so that loading it need not normalise every form again)."""
        return self._forms

    def preload_surface_forms(self, forms: list[str], positions: np.ndarray, names: Mapping[str, int]) -> Vocabulary:
        """Take ``surface_form_tables()`` saved earlier for this very vocabulary instead of computing them."""
        if len(forms) != len(positions):
            raise ValueError(f"{len(forms)} surface forms but {len(positions)} positions")
        self.__dict__["_forms"] = (forms, np.asarray(positions, dtype=np.int32), names)  # the cached_property's slot
        return self

    def index_of(self) -> dict[str, int]:
        """Return ``{skill id: position}``."""
        return dict(self._index)

    def surface_forms(self) -> tuple[list[str], np.ndarray]:
        """Return every label and alias (deduplicated per skill) and each one's skill position."""
        forms, positions, _ = self._forms
        return list(forms), positions.copy()

    def lookup(self, name: str) -> int | None:
        """Position of the skill whose id is ``name`` (an ESCO URI, say), else of the skill labelled like
        ``name`` (normalized), else of the first with that alias."""
        position = self._index.get(name.strip())
        return position if position is not None else self._forms[2].get(normalize_label(name))

    def content_hash(self) -> str:
        """Return the sha256 of a canonical JSON of the source and the skills (order-sensitive)."""
        payload = json.dumps(
            {"source": self.source, "skills": [asdict(s) for s in self.skills]},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def extended(self, extra: Sequence[Skill]) -> Vocabulary:
        """Return a new vocabulary with ``extra`` appended; ids already present are ignored."""
        ids = set(self._index)
        added: list[Skill] = []
        for skill in extra:
            if skill.id not in ids:
                ids.add(skill.id)
                added.append(skill)
        if len(added) < len(extra):
            logger.warning("%d extra skills ignored: their ids are already in the vocabulary", len(extra) - len(added))
        return Vocabulary(skills=self.skills + tuple(added), source=self.source)


def _slug(normalized: str) -> str:
    return re.sub(r"[^\w+#.]+", "-", normalized).strip("-") or "skill"


def _aliases(value: Any, label: str, *, newline_only: bool) -> tuple[str, ...]:
    if is_missing(value):
        items: list[Any] = []
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        text = str(value).strip()
        items = []
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            items = parsed if isinstance(parsed, list) else []
        if not items:
            items = re.split(r"\r?\n" if newline_only else r"\r?\n|\|", text)
    seen = {normalize_label(label)}
    out: list[str] = []
    for item in items:
        alias = parse_text(item)
        key = normalize_label(alias)
        if key and key not in seen:
            seen.add(key)
            out.append(alias)
    return tuple(out)


def _read_skills(stream: Iterator[Record], columns: dict[str, str | None], path: Path, esco: bool) -> list[Skill]:
    skills: list[Skill] = []
    ids: set[str] = set()
    duplicates = unlabelled = 0

    def cell(values: dict[str, Any], name: str) -> Any:
        column = columns[name]
        return values.get(column) if column else None

    for record in stream:
        label = parse_text(cell(record.values, "label"))
        if not label:
            unlabelled += 1
            continue
        skill_id = parse_text(cell(record.values, "id")) or "skill:" + _slug(normalize_label(label))
        if skill_id in ids:
            duplicates += 1
            continue
        ids.add(skill_id)
        skills.append(
            Skill(
                id=skill_id,
                label=label,
                aliases=_aliases(cell(record.values, "aliases"), label, newline_only=esco),
                description=parse_text(cell(record.values, "description")),
                type=parse_text(cell(record.values, "type")),
                reuse_level=parse_text(cell(record.values, "reuse_level")),
            )
        )
    if unlabelled:
        logger.warning("%s: %d rows without a label skipped", path, unlabelled)
    if duplicates:
        logger.warning("%s: %d rows repeat an earlier skill id (kept the first)", path, duplicates)
    return skills


def load_taxonomy(path: PathLike) -> Vocabulary:
    """Load a skill vocabulary.

    Accepts ESCO's CSV export as downloaded (a folder holding ``skills_en.csv``, or that file:
    ``conceptUri``, ``preferredLabel``, newline-separated ``altLabels``, ``description``,
    ``skillType``, ``reuseLevel``), or a generic CSV/JSONL/JSON with ``id,label,aliases,description`` and
    optional ``type`` and ``reuse_level`` (aliases separated by ``|`` or newlines, or a JSON list).
    """
    p = Path(path)
    if p.is_dir():
        candidate = p / ESCO_SKILLS_FILE
        if not candidate.is_file():
            names = sorted(child.name for child in p.iterdir())
            shown = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "") or "nothing"
            raise InvalidInputError(
                f"{p} has no {ESCO_SKILLS_FILE} (it contains: {shown}); pass ESCO's "
                f"{ESCO_SKILLS_FILE} or a CSV/JSONL with id,label,aliases,description columns"
            )
        p = candidate
    available, stream = peek_columns(read_records(p, kind="taxonomy"))
    lower = {c.strip().casefold(): c for c in reversed(available)}
    esco = "concepturi" in lower and "preferredlabel" in lower
    headers = ESCO_COLUMNS if esco else GENERIC_COLUMNS
    columns = {role: lower.get(name.casefold()) for role, name in zip(GENERIC_COLUMNS, headers, strict=True)}
    if columns["label"] is None:
        raise InvalidInputError(
            f"{p} has no 'label' column (columns: {', '.join(available)}); a taxonomy file needs "
            "id,label,aliases,description columns, or ESCO's skills_en.csv as downloaded"
        )
    skills = _read_skills(stream, columns, p, esco)
    if not skills:
        raise InvalidInputError(f"{p} has no usable skills: every row lacks a label")
    return Vocabulary(skills=tuple(skills), source="esco" if esco else "generic")


def vocabulary_from_catalog(catalog: Catalog) -> Vocabulary:
    """Build a vocabulary from the declared skills of ``catalog``.

    Spellings that :func:`normalize_label` makes equal are one skill: its label is the most
    frequent spelling (ties: first seen), the others are aliases; its id is ``"skill:"`` + a slug.
    """
    spellings: dict[str, Counter[str]] = {}
    for credential in catalog:
        for raw in credential.skills:
            name = " ".join(raw.split())
            key = normalize_label(name)
            if key:
                spellings.setdefault(key, Counter())[name] += 1
    skills: list[Skill] = []
    used: set[str] = set()
    for key, counts in spellings.items():
        label = max(counts, key=lambda s: counts[s])  # max keeps the first of equal counts
        base = "skill:" + _slug(key)
        skill_id, k = base, 1
        while skill_id in used:
            k += 1
            skill_id = f"{base}-{k}"
        used.add(skill_id)
        skills.append(Skill(id=skill_id, label=label, aliases=tuple(s for s in counts if s != label)))
    if not skills:
        raise InvalidInputError(
            f"the catalog {catalog.report.path} declares no skills to build a vocabulary from; "
            "pass a taxonomy file (e.g. ESCO's skills_en.csv)"
        )
    return Vocabulary(skills=tuple(skills), source="catalog")
