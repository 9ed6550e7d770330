"""Skills named word for word, with offsets: labels, aliases, and names spelled as the vocabulary spells them."""

from __future__ import annotations

from recommender.inputs.taxonomy import Skill, Vocabulary
from recommender.skills.lexical import FormMatcher

VOCABULARY = Vocabulary(
    skills=(
        Skill("s:spark", "Apache Spark", ("Spark", "PySpark")),
        Skill("s:sql", "SQL", ("structured query language",)),
        Skill("s:scratch", "Scratch (computer programming)", ("Scratch",)),
        Skill("s:pm", "project management", ()),
        Skill("s:ppm", "perform project management", ("project management",)),
        Skill("s:swift", "Swift (computer programming)", ("Swift",)),
        Skill("s:craft", "craft skills", (), "Work that starts from scratch with a swift hand."),
    ),
    source="generic",
)


def _found(text: str) -> list[tuple[str, str, str]]:
    matcher = FormMatcher(VOCABULARY)
    return [(VOCABULARY.skills[m.skill].id, text[m.start : m.end], m.kind) for m in matcher.mentions(text)]


def test_labels_and_aliases_with_their_offsets() -> None:
    text = "Write SQL daily; some structured query language too."
    assert _found(text) == [("s:sql", "SQL", "label"), ("s:sql", "structured query language", "alias")]


def test_a_capitalised_alias_is_a_name_found_as_spelled() -> None:
    assert _found("We need a data engineer who builds Spark pipelines.") == [("s:spark", "Spark", "alias")]
    assert _found("a spark of genius") == []


def test_an_ordinary_word_is_no_name_in_lower_case_or_at_a_sentence_start() -> None:
    # "scratch" and "swift" are ordinary words in the vocabulary's own descriptions.
    assert _found("Build an app from scratch.") == []
    assert _found("Swift answers matter. Apps in Swift and Scratch.") == [
        ("s:swift", "Swift", "alias"),
        ("s:scratch", "Scratch", "alias"),
    ]


def test_a_label_beats_the_same_words_as_another_skills_alias() -> None:
    assert _found("Introduction to Project Management") == [("s:pm", "Project Management", "label")]


def test_saved_tables_find_the_same() -> None:
    matcher = FormMatcher(VOCABULARY)
    again = FormMatcher.from_tables(matcher.tables())
    text = "Spark, SQL and project management; Swift too."
    assert again.mentions(text) == matcher.mentions(text)


def test_find_reads_every_form_as_the_skill_ranker_always_has() -> None:
    matcher = FormMatcher(VOCABULARY)
    # No label precedence and ordinary-word names still forms for ``find`` (its figures are measured on
    # TECH/HOUSE); ``mentions`` reads them the new way.
    assert [VOCABULARY.skills[s].id for s, _ in matcher.find("Build an app from scratch.")] == ["s:scratch"]
    assert matcher.find("Introduction to Project Management") == []  # two skills own "project management"
    again = FormMatcher.from_tables(matcher.tables())
    assert again.find("from scratch, in Swift") == matcher.find("from scratch, in Swift")
