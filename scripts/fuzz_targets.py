"""Hostile inputs for every reader and for the text path, and the one rule they are held to.

Each target pairs a hypothesis strategy with a function that feeds one drawn input to a reader
(written to a file first where the reader takes files). The outcome must be a result (a loaded
catalog with its skips reported, postings, a vocabulary, skills) or a
:class:`~recommender.errors.RecommenderError`, which the CLI prints as one ``Error:`` line: any
other exception is a crash (a traceback for the user), and running past ``TIME_LIMIT`` a hang.
``tests/inputs/test_fuzz.py`` runs a bounded number of examples per target; ``scripts/fuzz.py``
runs the same targets for as long as it is given. The seeds of the standard-format targets are the
test suite's fixture files (``tests/fixtures/``).
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from recommender import Recommender, RecommenderError
from recommender.formats.readers import load_catalog
from recommender.inputs.postings import iter_postings
from recommender.inputs.taxonomy import load_taxonomy

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
TIME_LIMIT = 60  # seconds per input: far above any honest run, short enough to call a hang a hang
STANDARD_FIXTURES = (
    "openbadges_achievements.json", "ctdl_graph.json", "elm_credential.json", "elm_specifications.jsonl"
)  # fmt: skip
CATALOG_COLUMNS = ["id", "title", "provider", "hours", "cost", "currency", "level", "language", "skills", "text"]


class Hang(Exception):
    """An input ran past ``TIME_LIMIT``."""


@contextmanager
def time_limit(seconds: int = TIME_LIMIT) -> Iterator[None]:
    """Raise :class:`Hang` in the block after ``seconds`` (SIGALRM: main thread, POSIX)."""

    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------------------------------- generators
cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(['"', '""', '"a,b"', "\r\n", "\n", ";", "\t", "|", "\x00", "\ufeff", "NaN", "-1", "1e309",
                     "10 hours", "$5", "€1.000,50", "SQL; Python", "[1, 2]", "{}", " ", "null"]),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.integers(min_value=10**30, max_value=10**400),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=40,
)  # fmt: skip
catalog_like = st.fixed_dictionaries({}, optional={name: json_values | cells for name in CATALOG_COLUMNS})


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    """A CSV-ish file: a header of known and odd columns, ragged rows, any delimiter, encoding and BOM."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2000))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|", " ", ":", '"']))
    header = draw(
        st.just(["id", "title", "skills", "text"])
        | st.permutations(CATALOG_COLUMNS)
        | st.lists(st.sampled_from([*CATALOG_COLUMNS, "", "ID", "Title ", "x", '"q"']), min_size=1, max_size=8)
    )
    rows = draw(st.lists(st.lists(cells, max_size=10), max_size=12))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))

    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if draw(st.booleans()) else cell

    text = newline.join(delimiter.join(quote(c) for c in row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # damage: a few bytes replaced
        for position in draw(st.lists(st.integers(0, max(len(data) - 1, 0)), max_size=3)):
            if data:
                data = data[:position] + bytes([draw(st.integers(0, 255))]) + data[position + 1 :]
    return data


@st.composite
def json_bytes(draw: st.DrawFn) -> bytes:
    """A JSON array of catalog-like records, any JSON at all, deep nesting, or broken JSON."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        value: Any = draw(st.lists(catalog_like, max_size=8))
    elif kind == 1:
        value = draw(json_values)
    elif kind == 2:  # deeper than any parser's recursion limit
        depth = draw(st.integers(100, 100_000))
        return ("[" * depth + "]" * draw(st.sampled_from([depth, depth // 2]))).encode()
    elif kind == 3:
        return draw(st.binary(max_size=500))
    else:
        value = draw(st.lists(catalog_like, min_size=1, max_size=3))
        text = json.dumps(value)
        return text[: draw(st.integers(0, len(text)))].encode()  # cut anywhere
    return json.dumps(value).encode()


@st.composite
def jsonl_bytes(draw: st.DrawFn) -> bytes:
    """JSON Lines: records, other JSON values, blank and broken lines."""
    lines = draw(st.lists(catalog_like.map(json.dumps) | json_values.map(json.dumps) | cells, max_size=10))
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


def _parsed_or_text(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return line


@st.composite
def standard_documents(draw: st.DrawFn) -> tuple[str, bytes]:
    """An Open Badges, CTDL or ELM fixture with parts replaced, removed or retyped, or its bytes damaged."""
    name = draw(st.sampled_from(STANDARD_FIXTURES))
    raw = (FIXTURES / name).read_bytes()
    if draw(st.integers(0, 4)) == 0:  # byte-level: cut or flip
        position = draw(st.integers(0, len(raw) - 1))
        if draw(st.booleans()):
            return name, raw[:position]
        return name, raw[:position] + bytes([raw[position] ^ draw(st.integers(1, 255))]) + raw[position + 1 :]
    if name.endswith(".jsonl"):  # the fixture has a broken line on purpose: it stays as it is
        documents = [_parsed_or_text(line) for line in raw.decode().splitlines() if line.strip()]
    else:
        documents = [json.loads(raw)]
    for _ in range(draw(st.integers(1, 6))):
        which = draw(st.integers(0, len(documents) - 1))
        path = draw(st.sampled_from(_paths(documents[which])))
        documents[which] = _replace(documents[which], path, draw(json_values))
    if name.endswith(".jsonl"):
        return name, "\n".join(d if isinstance(d, str) else json.dumps(d) for d in documents).encode()
    return name, json.dumps(documents[0]).encode()


@st.composite
def esco_exports(draw: st.DrawFn) -> bytes:
    """ESCO's skills_en.csv (the fixture) with rows broken: cells cut, emptied, shifted, quotes unbalanced."""
    lines = (FIXTURES / "esco_sample_skills.csv").read_text(encoding="utf-8").split("\n")
    for _ in range(draw(st.integers(1, 6))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.integers(0, 4))
        if action == 0:
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
        elif action == 1:
            lines[index] = ""
        elif action == 2:
            lines[index] = draw(cells) + "," + lines[index]
        elif action == 3:
            lines[index] = lines[index] + '"' + draw(cells)
        else:
            lines.insert(index, ",".join(draw(st.lists(cells, max_size=8))))
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


texts = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Mn", "So"]), max_size=200),
    st.sampled_from(["", " ", "\u202eSQL\u202c Python", "مهندس بيانات SQL و Python", "שפת SQL", "\x00\x1b[31mSQL",
                     "SQL\u200b\u200bPython", "e\u0301" * 500, "🙂" * 1000, "SQL, " * 20000]),
)  # fmt: skip
TEN_MB_LINE = "Write SQL queries and build Tableau dashboards " * (10 * 2**20 // 47)


# ------------------------------------------------------------------------------------------------- targets
def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _catalog(folder: Path, name: str, data: bytes, file_format: str | None = None) -> Any:
    catalog = load_catalog(_write(folder, name, data), file_format=file_format)
    assert catalog.report is not None  # a loaded catalog always carries its report (skips counted)
    return catalog


@dataclass(frozen=True)
class Target:
    """One reader under fuzzing: what to draw and how to feed it."""

    name: str
    strategy: st.SearchStrategy[Any]
    feed: Callable[[Path, Any, Recommender], Any]


TARGETS = (
    Target("catalog-csv", csv_bytes(), lambda folder, data, model: _catalog(folder, "catalog.csv", data)),
    Target("catalog-json", json_bytes(), lambda folder, data, model: _catalog(folder, "catalog.json", data)),
    Target("catalog-jsonl", jsonl_bytes(), lambda folder, data, model: _catalog(folder, "catalog.jsonl", data)),
    Target("standards", standard_documents(), lambda folder, drawn, model: _catalog(folder, drawn[0], drawn[1])),
    Target("postings-csv", csv_bytes(),
           lambda folder, data, model: list(iter_postings(_write(folder, "postings.csv", data)))),
    Target("postings-jsonl", jsonl_bytes(),
           lambda folder, data, model: list(iter_postings(_write(folder, "postings.jsonl", data)))),
    Target("esco-export", esco_exports(),
           lambda folder, data, model: load_taxonomy(_write(folder, "skills_en.csv", data))),
    Target("text", texts, lambda folder, text, model: (model.skills(text), model.recommend(text, k=2))),
)  # fmt: skip


def outcome(target: Target, data: Any, folder: Path, model: Recommender) -> str:
    """``ok`` or ``error:<Class>`` for a handled error; raises on a crash or a hang (:class:`Hang`)."""
    folder.mkdir(parents=True, exist_ok=True)
    with time_limit():
        try:
            target.feed(folder, data, model)
        except RecommenderError as exc:
            return f"error:{type(exc).__name__}"
    return "ok"
