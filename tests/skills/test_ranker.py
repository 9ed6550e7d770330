"""Lexical evidence (exact forms, character n-grams) and the hybrid skill ranking."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from recommender.encoders.hashing import HashingEncoder
from recommender.errors import NotFittedError
from recommender.evaluation.calibration import tune_weights
from recommender.inputs.taxonomy import Skill, Vocabulary
from recommender.skills.lexical import CharNgramIndex, char_ngrams
from recommender.skills.ranker import SkillRanker

VOCABULARY = Vocabulary(
    (
        Skill("s0", "PostgreSQL", aliases=("Postgres",)),
        Skill("s1", "Kubernetes"),
        Skill("s2", "patient care", aliases=("care for patients",)),
        Skill("s3", "Python (computer programming)", aliases=("Python",)),
    ),
    "generic",
)


def test_char_ngrams_pad_each_word_like_char_wb() -> None:
    assert char_ngrams("ab") == [" ab", "ab ", " ab "]
    assert char_ngrams("A b") == [" a ", " b "]  # lowercased; a padded one-letter word is one 3-gram


def test_char_ngram_index_matches_scikit_learn_tfidf() -> None:
    forms = ["python programming", "java programming", "javascript", "python", "postgres database"]
    texts = ["Write Python and JavaScript", "postgres", "nothing alike here"]
    ours = CharNgramIndex(min_df=2).fit(forms).similarities(texts)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True).fit(forms)
    theirs = (vectorizer.transform(texts) @ vectorizer.transform(forms).T).toarray()
    np.testing.assert_allclose(ours, theirs, atol=1e-5)  # no hash collisions among so few n-grams


def test_char_ngram_index_self_similarity_and_rare_ngrams() -> None:
    index = CharNgramIndex(min_df=1).fit(["python", "java"])
    similarities = index.similarities(["python", "java", "zzz"])
    np.testing.assert_allclose(similarities, [[1, 0], [0, 1], [0, 0]], atol=1e-6)
    # min_df=2: n-grams seen in one form only weigh nothing, so two unrelated forms match nothing
    assert not CharNgramIndex(min_df=2).fit(["python", "java"]).similarities(["python"]).any()


def test_exact_boost_adds_to_the_dense_score_of_a_named_skill() -> None:
    encoder = HashingEncoder(64)
    dense = SkillRanker(exact_boost=0, lexical_weight=0).fit(VOCABULARY, encoder)
    boosted = SkillRanker(exact_boost=1.0, lexical_weight=0).fit(VOCABULARY, encoder)
    text = ["We run PostgreSQL on Kubernetes, or Postgres"]
    difference = boosted.scores(text) - dense.scores(text)
    # "Postgres" is a one-word alias that is not the label's first word: never matched by itself
    np.testing.assert_allclose(difference, [[1.0, 1.0, 0.0, 0.0]], atol=1e-6)
    assert {s for s, _ in boosted.rank(text, top_n=2)[0]} == {0, 1}


def test_dense_scores_take_each_skills_best_form() -> None:
    encoder = HashingEncoder(64)
    ranker = SkillRanker(exact_boost=0, lexical_weight=0).fit(VOCABULARY, encoder)
    forms, form_skill = VOCABULARY.surface_forms()
    text = "care for patients"
    cosines = encoder.encode(forms) @ encoder.encode([text])[0]
    expected = [max(c for c, s in zip(cosines, form_skill, strict=True) if s == skill) for skill in range(4)]
    np.testing.assert_allclose(ranker.scores([text])[0], expected, atol=1e-6)
    assert ranker.rank([text], top_n=1)[0][0][0] == 2


def test_lexical_weight_favours_shared_spelling() -> None:
    ranker = SkillRanker(exact_boost=0, lexical_weight=1.0).fit(VOCABULARY, HashingEncoder(64))
    ranker.lexical_ = CharNgramIndex(min_df=1).fit([VOCABULARY.surface_forms()[0][i] for i in ranker.order_])
    plain = SkillRanker(exact_boost=0, lexical_weight=0).fit(VOCABULARY, HashingEncoder(64))
    gain = ranker.scores(["Kubernetes clusters"])[0] - plain.scores(["Kubernetes clusters"])[0]
    assert gain.argmax() == 1 and gain[1] > 0.5


def test_unfitted_ranker_says_so() -> None:
    with pytest.raises(NotFittedError):
        SkillRanker().scores(["x"])


def test_tune_weights_prefers_no_lexical_weight_when_it_does_not_help() -> None:
    ranker = SkillRanker().fit(VOCABULARY, HashingEncoder(64))
    solved = (["PostgreSQL", "Kubernetes", "patient care", "nothing"], [{0}, {1}, {2}, set()])
    chosen = tune_weights(ranker, [solved])
    assert (chosen["exact_boost"], chosen["lexical_weight"]) == (0.0, 0.0)  # every weight ties at RP@5 = 1
    assert chosen["validation_rp@5"] == chosen["plain_validation_rp@5"] == 1.0


def test_tune_weights_picks_weights_that_rank_named_skills_first() -> None:
    skills = tuple(
        Skill(f"s{i}", f"alpha {word}") for i, word in enumerate(["bravo", "charlie", "delta", "echo", "fox", "golf"])
    )
    vocabulary = Vocabulary((*skills, Skill("t", "zulu")), "generic")
    ranker = SkillRanker().fit(vocabulary, HashingEncoder(64))
    texts = ["bravo charlie delta echo fox golf alpha with zulu"]  # only "zulu" is named word for word
    plain = ranker.components(texts)[0][0]
    chosen = tune_weights(ranker, [(texts, [{6}])])
    assert chosen["validation_rp@5"] == 1.0
    assert chosen["plain_validation_rp@5"] == (1.0 if plain[6] >= np.sort(plain)[-5] else 0.0)
