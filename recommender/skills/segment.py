"""Split free text (postings, syllabi, CVs) into the short segments skills are matched against.

Segments are sentences, bullet and list lines, the items of comma-separated lists such as
"Python, SQL, Airflow and dbt", and the clauses of long sentences (split at commas,
semicolons, brackets and conjunctions), so that one skill named in a long sentence is not
drowned by the rest of it. Scraped postings often lose their line breaks
("ResponsibilitiesDLP solution administrationAnalyze incidents"), so a lower-to-upper case join
after a long lowercase word also starts a new segment.
"""

from __future__ import annotations

import re

MAX_SEGMENT_WORDS = 40
MAX_ITEM_WORDS = 5

_BULLET = re.compile(r"^\s*(?:[-*•·▪◦●–—>]+|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)](?=\s))\s*")
# Sentence ends: punctuation then space and a capital/digit, or a period glued to a capital.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9\"'(])|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
# "administrationAnalyze" / "ResponsibilitiesDLP": a long lowercase run glued to a capital.
_GLUED = re.compile(r"(?<=[a-z]{8})(?=[A-Z](?:[a-z]{2}|[A-Z]))")
# Bullets flattened into one line by scrapers: "specifications.- Implement", "Requirements:- Build".
_INLINE_BULLET = re.compile(r"(?<=[.:;!?])\s*[-•*·▪]\s+")
# Headings glued to what follows: "Job Description:Responsibilities:".
_GLUED_HEADING = re.compile(r"(?<=[a-z]):(?=[A-Z])")
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


def split_segments(text: str) -> list[str]:
    """Return the distinct segments of ``text`` in reading order (lists also as their items)."""
    segments: list[str] = []
    seen: set[str] = set()

    def add(segment: str) -> None:
        segment = segment.strip(" \t-–—*•:;,")
        if len(segment) < 2 or not _WORD.search(segment):
            return
        if all(word in FILLER_WORDS for word in re.findall(r"[\w.-]+", segment.lower())):
            return
        key = segment.lower()
        if key not in seen:
            seen.add(key)
            segments.append(segment)

    text = _GLUED_HEADING.sub(":\n", _INLINE_BULLET.sub("\n", text))
    for line in re.split(r"[\r\n]+", text):
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        for glued_part in _GLUED.split(line):
            for sentence in _SENTENCE_END.split(glued_part):
                sentence = sentence.strip()
                if not sentence:
                    continue
                items = _list_items(sentence)
                for part in _split_long(sentence):
                    add(part)
                for item in items or _clauses(sentence):
                    add(item)
                    # A long item of a list ("build ETL pipelines in Python and SQL") is split too.
                    for clause in _clauses(item, MAX_ITEM_WORDS + 1) if items else ():
                        add(clause)
    return segments
