"""Training pairs for domain-adapting the encoder: (anchor text → ESCO skill), built from data the project has.

Every pair mirrors inference: the anchor is text a user would give (a job-ad sentence, a course title, an
alias, a description) and the positive is the skill's preferred label. Sources:

- ``alias``, ``description``, ``broader``: the taxonomy itself (alias → label, description → label,
  narrower skill's label → broader skill's label);
- ``sentence``: distant supervision (Decorte et al. 2022): a sentence of a real posting that contains a
  skill's surface form, word for word, is paired with that skill;
- ``span``: SkillSpan's annotated skill spans: the sentence is paired with the skill whose surface form
  *is* the span, or else with the span's nearest surface form by the base encoder when that is close;
- ``catalog``: a course title and each declared skill that is an ESCO label or alias;
- ``tags``: a posting's title and each recruiter tag that is an ESCO label or alias.

Sentences that also occur in an evaluation file are dropped (``exclude``): SkillSpan and the TECH/HOUSE
sets share job ads, and boilerplate repeats across ads.
"""

from __future__ import annotations

import csv
import json
import logging
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..encoders.base import Encoder
from ..inputs.datasets import COURSERA_2024, COURSERA_CERTS, ESCO, GOOGLE_JOBS, WUZZUF, WUZZUF_TAGS
from ..inputs.tabular import PathLike
from ..inputs.taxonomy import Vocabulary
from ..skills.lexical import TOKEN, FormMatcher, word_key
from ..skills.segment import split_segments

logger = logging.getLogger(__name__)

SOURCES = ("sentence", "span", "alias", "description", "broader", "catalog", "tags")
DEFAULT_SOURCES = ("sentence", "span", "alias", "description", "broader", "catalog")  # job titles → tags: noise
_ESCO_SKILL_TYPE = "KnowledgeSkillCompetence"


@dataclass(frozen=True)
class Pair:
    """An anchor text and the position of the skill it names in the vocabulary."""

    anchor: str
    skill: int
    source: str


@dataclass(frozen=True)
class SpanSentence:
    """A sentence and its annotated skill/knowledge spans (SkillSpan)."""

    text: str
    spans: tuple[str, ...]


def sentence_key(text: str) -> str:
    """The form under which sentences are compared for leakage: lowercase words, no punctuation."""
    return " ".join(TOKEN.findall(text.casefold()))


def frequent_forms(matcher: FormMatcher, texts: Sequence[str], max_share: float) -> set[str]:
    """Forms matched in more than ``max_share`` of ``texts``: generic words ("support", "design")."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({form for _, form in matcher.find(text)})
    limit = max(3, max_share * len(texts))
    return {form for form, n in counts.items() if n > limit}


def sentence_pairs(
    texts: Iterable[str], matcher: FormMatcher, *, source: str = "sentence", max_per_skill: int = 40, seed: int = 0
) -> list[Pair]:
    """Distant supervision: each text paired with each skill whose form it contains; at most
    ``max_per_skill`` texts per skill (a random sample), so frequent skills do not dominate."""
    by_skill: dict[int, list[str]] = {}
    for text in dict.fromkeys(texts):
        for skill in dict.fromkeys(skill for skill, _ in matcher.find(text)):
            by_skill.setdefault(skill, []).append(text)
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for skill, anchors in by_skill.items():
        chosen = anchors if len(anchors) <= max_per_skill else rng.sample(anchors, max_per_skill)
        pairs.extend(Pair(text, skill, source) for text in chosen)
    return pairs


def span_pairs(
    sentences: Sequence[SpanSentence],
    vocabulary: Vocabulary,
    matcher: FormMatcher,
    *,
    encoder: Encoder | None = None,
    form_embeddings: np.ndarray | None = None,
    threshold: float = 0.75,
) -> list[Pair]:
    """Each sentence paired with the skill of each annotated span: the skill whose form the span is
    (exactly), else, with an encoder, the span's nearest surface form when its cosine ≥ ``threshold``."""
    pairs: list[Pair] = []
    unresolved: list[tuple[str, str]] = []
    for sentence in sentences:
        for span in sentence.spans:
            skill = matcher.forms.get(word_key(TOKEN.findall(span.casefold())))
            if skill is not None:
                pairs.append(Pair(sentence.text, skill, "span"))
            elif encoder is not None:
                unresolved.append((sentence.text, span))
    if unresolved:
        forms, form_skill = vocabulary.surface_forms()
        if form_embeddings is None:
            form_embeddings = encoder.encode(forms)  # type: ignore[union-attr]
        spans = encoder.encode([span for _, span in unresolved])  # type: ignore[union-attr]
        for start in range(0, len(spans), 1024):
            sims = spans[start : start + 1024] @ form_embeddings.T
            best = sims.argmax(axis=1)
            for row, form in enumerate(best):
                if sims[row, form] >= threshold:
                    pairs.append(Pair(unresolved[start + row][0], int(form_skill[form]), "span"))
    return list(dict.fromkeys(pairs))


def taxonomy_pairs(vocabulary: Vocabulary, esco_folder: PathLike | None = None) -> list[Pair]:
    """alias → label, description → label, and (with ESCO's ``broaderRelationsSkillPillar.csv``)
    narrower label → broader label."""
    pairs: list[Pair] = []
    for position, skill in enumerate(vocabulary.skills):
        pairs.extend(Pair(alias, position, "alias") for alias in skill.aliases)
        if skill.description:
            pairs.append(Pair(skill.description, position, "description"))
    relations = Path(esco_folder) / "broaderRelationsSkillPillar.csv" if esco_folder else None
    if relations is not None and relations.is_file():
        index = vocabulary.index_of()
        with relations.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("conceptType") != _ESCO_SKILL_TYPE or row.get("broaderType") != _ESCO_SKILL_TYPE:
                    continue
                narrower, broader = index.get(row["conceptUri"]), index.get(row["broaderUri"])
                if narrower is not None and broader is not None:
                    pairs.append(Pair(vocabulary.skills[narrower].label, broader, "broader"))
    return pairs


def name_pairs(items: Iterable[tuple[str, Sequence[str]]], matcher: FormMatcher, source: str) -> list[Pair]:
    """``(title, declared skill names)`` → a pair per name that is exactly an ESCO label or alias."""
    pairs: list[Pair] = []
    for title, names in items:
        for name in names:
            skill = matcher.forms.get(word_key(TOKEN.findall(name.casefold())))
            if skill is not None and title.strip():
                pairs.append(Pair(title.strip(), skill, source))
    return list(dict.fromkeys(pairs))


# ---------------------------------------------------------------- readers of the shared data
def read_skillspan(path: PathLike) -> list[SpanSentence]:
    """SkillSpan JSON lines (``tokens``, ``tags_skill``, ``tags_knowledge`` in BIO) → sentences with spans."""
    sentences: list[SpanSentence] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        tokens = row["tokens"]
        spans: list[str] = []
        for tags in (row.get("tags_skill", ()), row.get("tags_knowledge", ())):
            current: list[str] = []
            for token, tag in zip(tokens, tags, strict=False):
                if tag.startswith("B") or (tag.startswith("I") and not current):
                    if current:
                        spans.append(" ".join(current))
                    current = [token]
                elif tag.startswith("I"):
                    current.append(token)
                else:
                    if current:
                        spans.append(" ".join(current))
                    current = []
            if current:
                spans.append(" ".join(current))
        sentences.append(SpanSentence(" ".join(tokens), tuple(spans)))
    return sentences


def posting_segments(path: PathLike, columns: Sequence[str], *, delimiter: str = ",") -> Iterator[str]:
    """The segments (sentences, list items, clauses) of the given text columns of a postings CSV."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=delimiter):
            for column in columns:
                yield from split_segments(row.get(column) or "")


def coursera_skills(path: PathLike) -> list[tuple[str, list[str]]]:
    """``(title, declared skills)`` from either Coursera catalog in the shared data."""
    items: list[tuple[str, list[str]]] = []
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            title = row.get("Title") or row.get("course") or ""
            raw = row.get("Gained Skills") or row.get("skills") or ""
            names = [name.strip(" {}'\"") for name in re.split(r"[,]", raw)]
            items.append((title, [name for name in names if name]))
    return items


def wuzzuf_tags(postings: PathLike, tags: PathLike) -> list[tuple[str, list[str]]]:
    """``(job title, recruiter tags)`` per Wuzzuf posting (tags joined on title + company)."""
    by_job: dict[tuple[str, str], list[str]] = {}
    with Path(tags).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="~"):
            key = (row.get("job_title") or "", row.get("company_name") or "")
            by_job.setdefault(key, []).append(row.get("job_skill") or "")
    with Path(postings).open(encoding="utf-8", newline="") as handle:
        return [
            (row["job_title"], by_job.get((row["job_title"], row.get("company_name") or ""), []))
            for row in csv.DictReader(handle)
        ]


def annotation_sentences(paths: Iterable[PathLike]) -> set[str]:
    """The :func:`sentence_key` of every sentence of TECH/HOUSE-style files (for leakage exclusion)."""
    keys: set[str] = set()
    for path in paths:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            keys.update(sentence_key(row.get("sentence") or row.get("text") or "") for row in csv.DictReader(handle))
    return keys


# ---------------------------------------------------------------- everything, from the shared data folder
DEFAULT_CAPS = {"alias": 15_000, "broader": 5_000, "description": 14_000}
EVALUATION_FILES = ("tech_validation", "house_validation", "tech_test", "house_test")


def build_pairs(
    shared: PathLike,
    vocabulary: Vocabulary,
    *,
    encoder: Encoder | None = None,
    sources: Sequence[str] = SOURCES,
    caps: dict[str, int] | None = None,
    span_threshold: float = 0.75,
    max_per_skill: int = 40,
    seed: int = 0,
) -> list[Pair]:
    """All pairs from the shared data folder (``esco/``, ``benchmarks/``, ``postings/``, ``catalogs/``).

    Uses SkillSpan's train and dev files (never its test file, which holds the TECH/HOUSE sentences), and
    drops every anchor that is a sentence of a TECH/HOUSE file. ``encoder`` (the base encoder) resolves
    spans that are not an exact surface form; ``caps`` limits a source to a random sample of that size.
    """
    unknown = set(sources) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown pair sources {sorted(unknown)}; choose from {', '.join(SOURCES)}")
    root = Path(shared)
    bench = root / "benchmarks"
    excluded = annotation_sentences(
        path for name in EVALUATION_FILES if (path := bench / "skill_extraction" / f"{name}_annotations.csv").is_file()
    )
    spans = [
        sentence
        for name in ("train.json", "dev.json")
        if (bench / "skillspan" / name).is_file()
        for sentence in read_skillspan(bench / "skillspan" / name)
        if sentence_key(sentence.text) not in excluded
    ]
    matcher = FormMatcher(vocabulary, attested=[span for s in spans for span in s.spans] if spans else None)
    pairs: list[Pair] = []
    if "span" in sources:
        pairs += span_pairs(spans, vocabulary, matcher, encoder=encoder, threshold=span_threshold)
    if "sentence" in sources:
        texts = [s.text for s in spans]
        wuzzuf = WUZZUF.file(root)
        if wuzzuf.is_file():
            texts += posting_segments(wuzzuf, WUZZUF.fields()["text"])
        google = GOOGLE_JOBS.file(root)
        if google.is_file():
            columns = ("Responsibilities", "Minimum Qualifications", "Preferred Qualifications")
            texts += posting_segments(google, columns, delimiter=";")
        texts = [t for t in texts if len(t.split()) >= 3 and sentence_key(t) not in excluded]
        pairs += sentence_pairs(texts, matcher, max_per_skill=max_per_skill, seed=seed)
    if {"alias", "description", "broader"} & set(sources):
        pairs += [p for p in taxonomy_pairs(vocabulary, ESCO.file(root)) if p.source in sources]
    if "catalog" in sources:
        for catalog in (COURSERA_2024.file(root), COURSERA_CERTS.file(root)):
            if catalog.is_file():
                pairs += name_pairs(coursera_skills(catalog), matcher, "catalog")
    if "tags" in sources and WUZZUF_TAGS.file(root).is_file():
        pairs += name_pairs(wuzzuf_tags(WUZZUF.file(root), WUZZUF_TAGS.file(root)), matcher, "tags")
    pairs = [p for p in dict.fromkeys(pairs) if sentence_key(p.anchor) not in excluded]
    return _capped(pairs, {**DEFAULT_CAPS, **(caps or {})}, seed)


def _capped(pairs: list[Pair], caps: dict[str, int], seed: int) -> list[Pair]:
    rng = random.Random(seed)
    by_source: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_source.setdefault(pair.source, []).append(pair)
    kept: list[Pair] = []
    for source, items in by_source.items():
        cap = caps.get(source)
        kept += items if cap is None or len(items) <= cap else rng.sample(items, cap)
    return kept
