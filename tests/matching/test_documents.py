"""The lexical document score is scikit-learn's TF-IDF cosine, computed without scikit-learn at query time."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from recommender.matching.documents import LexicalIndex

from ..helpers import TINY_CATALOG

DOCUMENTS = [f"{row['title']}\n{row['text']}" for row in TINY_CATALOG] + [
    "SQL and Python for data pipelines: write SQL, test Python, ship dashboards.",
    "The the the and of",  # only stop words
]
QUERIES = ["Write SQL queries in PostgreSQL and Python scripts", "SQL SQL SQL dashboards", "nothing known here", ""]


@pytest.mark.parametrize("query", QUERIES)
def test_scores_equal_scikit_learn_cosines(query: str) -> None:
    index = LexicalIndex().fit(DOCUMENTS)
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2)
    matrix = vectorizer.fit_transform(DOCUMENTS)
    expected = np.asarray((matrix @ vectorizer.transform([query]).T).toarray()).ravel()
    np.testing.assert_allclose(index.scores(query), expected, atol=1e-6)


def test_round_trip_and_degenerate_catalogs() -> None:
    index = LexicalIndex().fit(DOCUMENTS)
    again = LexicalIndex.from_saved(index.arrays(), index.document())
    np.testing.assert_array_equal(again.scores(QUERIES[0]), index.scores(QUERIES[0]))
    assert LexicalIndex().fit(["SQL"]).scores("SQL")[0] == pytest.approx(1.0)  # one document: min_df 1
    assert LexicalIndex().fit(["the and", "of the"]).scores("the SQL").tolist() == [0.0, 0.0]


@pytest.mark.parametrize("query", QUERIES)
def test_scores_of_some_documents_are_the_full_scores_to_the_bit(query: str) -> None:
    index = LexicalIndex().fit(DOCUMENTS)
    full = index.scores(query)
    for documents in (np.arange(len(DOCUMENTS)), np.array([3, 0]), np.array([len(DOCUMENTS) - 1]), np.zeros(0, int)):
        assert index.scores_of(query, documents).tobytes() == full[documents].tobytes()


def test_best_reads_each_terms_strongest_postings_first() -> None:
    index = LexicalIndex().fit(DOCUMENTS)
    full = index.scores(QUERIES[0])
    # reading every posting: the top 2 by full score (no ties among them on this catalog)
    assert sorted(index.best(QUERIES[0], 2, read=len(DOCUMENTS)).tolist()) == sorted(np.argsort(-full)[:2].tolist())
    # reading one posting per term: only the documents that hold some term most strongly
    strongest = set()
    for term in index.query_weights(QUERIES[0]):
        column = slice(index.indptr_[term], index.indptr_[term + 1])
        strongest.add(int(index.indices_[column][np.argmax(index.data_[column])]))
    assert set(index.best(QUERIES[0], len(DOCUMENTS), read=1).tolist()) == strongest
    assert index.best("nothing known here", 3, read=10).tolist() == []


def test_saved_search_arrays_are_the_computed_ones() -> None:
    index = LexicalIndex().fit(DOCUMENTS)
    again = LexicalIndex.from_saved(index.arrays(), index.document()).attach_search(index.search_arrays())
    documents = np.array([1, 2, 4])
    assert again.scores_of(QUERIES[0], documents).tobytes() == index.scores(QUERIES[0])[documents].tobytes()
    assert again.best(QUERIES[0], 2, read=5).tolist() == index.best(QUERIES[0], 2, read=5).tolist()
