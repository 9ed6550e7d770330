"""Split free text (postings, syllabi, CVs) into sentences and the short segments skills are matched against.

Sentences are the lines, bullets and sentences of a text; segments are each sentence (cut into chunks
of ``MAX_SEGMENT_WORDS`` words when longer), the items of comma-separated lists such as "Python, SQL,
Airflow and dbt", and the clauses of long sentences (split at commas, semicolons, brackets and
conjunctions), so that one skill named in a long sentence is not drowned by the rest of it. Scraped
texts often lose their line breaks ("ResponsibilitiesDLP solution administrationAnalyze incidents",
"Week 1: IntroductionWeek 2: ...", "success.In this course"), so such joins start a new sentence too.

``segment_text`` keeps every sentence's and segment's character offsets in the original text (so an
explanation can point at its evidence); ``split_segments`` is its list of distinct segment texts.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

MAX_SEGMENT_WORDS = 40
MAX_ITEM_WORDS = 5

_BULLET = re.compile(r"^\s*(?:[-*•·▪◦●–—>]+|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)](?=\s))\s*")
# Where a new sentence starts, in the original text (each pattern matches the gap between two sentences).
_BREAKS = (
    re.compile(r"[\r\n]+"),
    # Sentence ends: punctuation then space and a capital/digit, or a period glued to a capital.
    re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9\"'(])"),
    re.compile(r"(?<=[A-Za-z)]{2}[.!?])(?=[A-Z][a-z])"),
    # "administrationAnalyze" / "ResponsibilitiesDLP": a long lowercase run glued to a capital.
    re.compile(r"(?<=[a-z]{8})(?=[A-Z](?:[a-z]{2}|[A-Z]))"),
    # "Product StrategyWe'll begin": a sentence opener glued to the end of a heading.
    re.compile(
        r"(?<=[a-z]{3})(?=(?:We|In|This|The|You|Learn|Our|It|Students|Learners|Topics|By|After|Upon|"
        r"Participants|Each|Throughout)\b)"
    ),
    # "Customer AnalysisWeek 2:": syllabus units glued to the previous one.
    re.compile(r"(?<=\S)(?=(?:Week|Module|Unit|Lesson|Part|Section|Chapter|Day)\s*\d{1,2}\s*[:.\-–])"),
    # Bullets flattened into one line by scrapers: "specifications.- Implement", "Requirements:- Build".
    re.compile(r"(?<=[.:;!?])\s*[-•*·▪]\s+"),
    # Headings glued to what follows: "Job Description:Responsibilities:".
    re.compile(r"(?<=[a-z]:)(?=[A-Z])"),
)
_BULLET_AT = re.compile(_BULLET.pattern.removeprefix("^"))  # the same, matched at a given position
_TRIM = " \t\r\n-–—*•·▪◦●>:;,"
_HEADER = re.compile(r"^([A-Z][\w &/]{1,40}):\s+(?=\S)")
_LIST_SPLIT = re.compile(r"\s*[,;|/]\s*|\s+(?:and|or|&)\s+(?=[^,]*$)")
_WORD = re.compile(r"\w+")
_CLAUSE_SPLIT = re.compile(r"\s*[,;:]\s+|\s*\(\s*|\s*\)\s*|\s+(?:and|or|as well as|including|such as|with)\s+")
MIN_CLAUSE_SENTENCE_WORDS = 8
# Segments made only of these words name no skill ("Experience", "Requirements", "is a plus")
# but match skill names that contain them ("patient experience").
FILLER_WORDS = frozenset(
    """a an the and or of in on for to with is are be as at by from our your you we will must should
    experience experienced knowledge skill skills ability abilities understanding familiarity proficiency
    proficient strong good excellent solid great working hands-on deep basic advanced year years plus
    bonus required requirement requirements preferred qualifications qualification responsibilities
    responsibility duties role job candidate ideal nice have has having etc e.g i.e""".split()  # noqa: SIM905
)


def _split_long(segment: str) -> list[str]:
    words = segment.split()
    if len(words) <= MAX_SEGMENT_WORDS:
        return [segment]
    return [" ".join(words[i : i + MAX_SEGMENT_WORDS]) for i in range(0, len(words), MAX_SEGMENT_WORDS)]


def _list_items(segment: str) -> list[str]:
    """The items of a comma list of short phrases, or [] when the segment is prose."""
    body = _HEADER.sub("", segment).rstrip(".")
    if body.count(",") + body.count("|") + body.count(";") < 2 and not (
        body.count(",") >= 1 and len(body.split()) <= 8
    ):
        return []
    items = [item.strip(" .:()[]\"'") for item in _LIST_SPLIT.split(body)]
    items = [re.sub(r"^(?:and|or|e\.g\.|i\.e\.|including|such as)\s+", "", item, flags=re.I) for item in items]
    items = [item for item in items if item and _WORD.search(item)]
    short = [item for item in items if len(item.split()) <= MAX_ITEM_WORDS]
    if len(items) < 2 or len(short) < 0.6 * len(items):
        return []
    return items


def _clauses(sentence: str, min_words: int = MIN_CLAUSE_SENTENCE_WORDS) -> list[str]:
    """The clauses of a long sentence ("write SQL queries", "clean data in Python") or []."""
    if len(sentence.split()) < min_words:
        return []
    parts = [part.strip(" .") for part in _CLAUSE_SPLIT.split(sentence.rstrip("."))]
    parts = [re.sub(r"^(?:and|or|but|also)\s+", "", part, flags=re.I) for part in parts]
    parts = [part for part in parts if part and _WORD.search(part)]
    return parts if len(parts) > 1 else []


@dataclass(frozen=True)
class Sentence:
    """A sentence (or line, bullet, heading) at ``text[start:end]``."""

    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    """A segment at ``text[start:end]`` (its text may differ in spacing), inside sentence ``sentence``."""

    text: str
    start: int
    end: int
    sentence: int


# "Prof. Smith", "e.g. Python": a period after these ends no sentence.
_ABBREVIATIONS = frozenset(
    "prof dr mr mrs ms st jr sr inc ltd co corp vs etc e.g i.e approx dept univ no fig ca cf al".split()  # noqa: SIM905
)
_LAST_WORD = re.compile(r"([\w.]+)\.\s*$")


def _ends_with_abbreviation(text: str, cut: int) -> bool:
    match = _LAST_WORD.search(text, max(0, cut - 12), cut)
    return bool(match) and match.group(1).casefold() in _ABBREVIATIONS


def sentence_spans(text: str) -> list[Sentence]:
    """The sentences of ``text`` in reading order, with their offsets (bullets and edge punctuation trimmed)."""
    cuts = {0, len(text)}
    for pattern in _BREAKS:
        for match in pattern.finditer(text):
            if pattern is _BREAKS[1] and _ends_with_abbreviation(text, match.start()):
                continue
            cuts.update((match.start(), match.end()))
    points = sorted(cuts)
    spans: list[Sentence] = []
    for a, b in itertools.pairwise(points):
        bullet = _BULLET_AT.match(text, a, b)
        if bullet is not None and bullet.end() > a:
            a = bullet.end()
        while a < b and text[a] in _TRIM:
            a += 1
        while b > a and text[b - 1] in _TRIM:
            b -= 1
        if b - a >= 2 and _WORD.search(text, a, b):
            spans.append(Sentence(a, b))
    return spans


def _locate(part: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where ``part`` (whose words may be spaced differently) occurs in ``text[start:end]``."""
    at = text.find(part, start, end)
    if at >= 0:
        return at, at + len(part)
    words = part.split()
    if not words:
        return None
    match = re.compile(r"\s+".join(map(re.escape, words))).search(text, start, end)
    return (match.start(), match.end()) if match else None


def _parts(sentence: str) -> list[str]:
    """A sentence's segments: itself (in chunks when long), then its list items, or else its clauses."""
    items = _list_items(sentence)
    parts = _split_long(sentence)
    for item in items or _clauses(sentence):
        parts.append(item)
        # A long item of a list ("build ETL pipelines in Python and SQL") is split too.
        parts.extend(_clauses(item, MAX_ITEM_WORDS + 1) if items else ())
    return parts


def _is_segment(segment: str) -> bool:
    if len(segment) < 2 or not _WORD.search(segment):
        return False
    return not all(word in FILLER_WORDS for word in re.findall(r"[\w.-]+", segment.lower()))


def segment_text(text: str) -> tuple[list[Sentence], list[Segment]]:
    """The sentences of ``text`` and their distinct segments (first occurrence kept), with offsets."""
    sentences = sentence_spans(text)
    segments: list[Segment] = []
    seen: set[str] = set()
    for index, sentence in enumerate(sentences):
        body = text[sentence.start : sentence.end]
        for part in _parts(body):
            part = part.strip(" \t-–—*•:;,")
            key = part.lower()
            if key in seen or not _is_segment(part):
                continue
            where = _locate(part, text, sentence.start, sentence.end)
            if where is None:  # pragma: no cover - every part is cut from its sentence
                continue
            seen.add(key)
            segments.append(Segment(part, where[0], where[1], index))
    return sentences, segments


def split_segments(text: str) -> list[str]:
    """Return the distinct segments of ``text`` in reading order (lists also as their items)."""
    return [segment.text for segment in segment_text(text)[1]]
