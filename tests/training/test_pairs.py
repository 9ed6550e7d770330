"""Training pairs: surface-form matching, each source, leakage exclusion, readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.encoders.hashing import HashingEncoder
from recommender.inputs.taxonomy import Skill, Vocabulary, load_taxonomy
from recommender.training.pairs import (
    FormMatcher,
    Pair,
    SpanSentence,
    build_pairs,
    coursera_skills,
    frequent_forms,
    read_skillspan,
    sentence_key,
    sentence_pairs,
    span_pairs,
    taxonomy_pairs,
)

from .train_fixture import LEAKED, SKILLSPAN_TEST_ONLY, write_shared

VOCABULARY = Vocabulary(
    (
        Skill("s0", "SQL", ("structured query language",)),
        Skill("s1", "Java (computer programming)", ("Java",)),
        Skill("s2", "statistics", ("data",), "Collect, organise and analyse data."),
        Skill("s3", "C#", ()),
        Skill("s4", "SQL Server", ()),
        Skill("s5", "project management", ("manage projects",)),
        Skill("s6", "manage projects well", ("manage projects",)),
    ),
    "generic",
)


def test_matcher_finds_longest_forms_left_to_right() -> None:
    matcher = FormMatcher(VOCABULARY)
    assert matcher.find("We use SQL Server and Java daily") == [(4, "sql server"), (1, "java")]
    assert matcher.find("C# and sql") == [(3, "c#"), (0, "sql")]


def test_matcher_skips_ambiguous_forms_and_far_one_word_aliases() -> None:
    matcher = FormMatcher(VOCABULARY)
    assert "manage projects" not in matcher.forms  # alias of two skills
    assert "data" not in matcher.forms  # one-word alias that is not the label's first word
    assert matcher.forms["java"] == 1  # one-word alias that is
    assert matcher.find("we love data") == []


def test_attested_filter_keeps_multiword_and_symbolic_forms() -> None:
    matcher = FormMatcher(VOCABULARY, attested=["Java"])
    assert "java" in matcher.forms and "c#" in matcher.forms and "sql server" in matcher.forms
    assert "sql" not in matcher.forms  # one plain word, never annotated as a span


def test_frequent_forms() -> None:
    matcher = FormMatcher(VOCABULARY)
    texts = ["SQL here"] * 5 + ["Java there", "nothing"]
    assert frequent_forms(matcher, texts, max_share=0.5) == {"sql"}


def test_sentence_pairs_cap_per_skill() -> None:
    matcher = FormMatcher(VOCABULARY)
    texts = [f"SQL task number {i}" for i in range(10)] + ["Java and SQL"]
    pairs = sentence_pairs(texts, matcher, max_per_skill=3)
    assert sum(p.skill == 0 for p in pairs) == 3
    assert Pair("Java and SQL", 1, "sentence") in pairs
    assert {p.source for p in pairs} == {"sentence"}


def test_span_pairs_exact_and_by_encoder() -> None:
    matcher = FormMatcher(VOCABULARY)
    sentences = [SpanSentence("Strong SQL skills", ("SQL",)), SpanSentence("Know Java well", ("Java programming",))]
    assert span_pairs(sentences, VOCABULARY, matcher) == [Pair("Strong SQL skills", 0, "span")]
    encoder = HashingEncoder(256)
    pairs = span_pairs(sentences, VOCABULARY, matcher, encoder=encoder, threshold=0.7)
    assert Pair("Know Java well", 1, "span") in pairs
    assert span_pairs(sentences, VOCABULARY, matcher, encoder=encoder, threshold=1.01) == pairs[:1]


def test_taxonomy_pairs_alias_description_broader(tmp_path: Path) -> None:
    pairs = taxonomy_pairs(VOCABULARY)
    assert Pair("structured query language", 0, "alias") in pairs
    assert Pair("Collect, organise and analyse data.", 2, "description") in pairs
    shared = write_shared(tmp_path / "shared")
    esco = load_taxonomy(shared / "esco")
    broader = [p for p in taxonomy_pairs(esco, shared / "esco") if p.source == "broader"]
    assert broader == [Pair("ETL pipelines", esco.lookup("data warehouses"), "broader")]  # type: ignore[arg-type]


def test_read_skillspan_bio_spans(tmp_path: Path) -> None:
    shared = write_shared(tmp_path / "shared")
    sentences = read_skillspan(shared / "benchmarks" / "skillspan" / "train.json")
    assert sentences[0] == SpanSentence("Strong SQL skills are required", ("SQL",))
    assert sentences[1].spans == ("care for patients",)
    assert sentences[2].spans == ("Write Python scripts", "ETL pipelines")


def test_coursera_skills_reads_both_catalog_layouts(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text('Title,Gained Skills\nSQL 101,"SQL, Excel"\n', encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text('course,skills\nData,"{"" SQL"","" Python""}"\n', encoding="utf-8")
    assert coursera_skills(a) == [("SQL 101", ["SQL", "Excel"])]
    assert coursera_skills(b) == [("Data", ["SQL", "Python"])]


def test_sentence_key_ignores_case_and_punctuation() -> None:
    assert sentence_key("Strong SQL , skills .") == sentence_key("strong sql skills")


def test_build_pairs_never_uses_evaluation_sentences(tmp_path: Path) -> None:
    shared = write_shared(tmp_path / "shared")
    esco = load_taxonomy(shared / "esco")
    pairs = build_pairs(shared, esco, encoder=HashingEncoder(256))
    anchors = {sentence_key(p.anchor) for p in pairs}
    assert sentence_key(LEAKED) not in anchors  # in a TECH test file: dropped from SkillSpan and postings
    assert sentence_key(SKILLSPAN_TEST_ONLY) not in anchors  # SkillSpan's test split is never read
    sources = {p.source for p in pairs}
    assert {"span", "sentence", "alias", "broader", "catalog", "tags"} <= sources
    sql = esco.lookup("SQL")
    assert Pair("Strong SQL skills are required", sql, "span") in pairs  # type: ignore[arg-type]
    assert Pair("Databases for Analysts", sql, "catalog") in pairs  # type: ignore[arg-type]


def test_build_pairs_sources_and_caps(tmp_path: Path) -> None:
    shared = write_shared(tmp_path / "shared")
    esco = load_taxonomy(shared / "esco")
    pairs = build_pairs(shared, esco, sources=("alias",), caps={"alias": 2})
    assert len(pairs) == 2 and {p.source for p in pairs} == {"alias"}
    with pytest.raises(ValueError, match="unknown pair sources"):
        build_pairs(shared, esco, sources=("bogus",))
