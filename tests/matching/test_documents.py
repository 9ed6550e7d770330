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
