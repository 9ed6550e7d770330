"""Document-level relevance beside skill coverage: TF-IDF of the role's text against each credential's.

A person judging "would this course help me get this job?" reads the whole course description, not
only the skills we extract from it; on the judged Wuzzuf × edX set a plain lexical match of the
posting against the course text beats skill coverage alone (docs/benchmarks.md). ``LexicalIndex``
fits scikit-learn's ``TfidfVectorizer`` (English stop words, sublinear tf, terms in at least two
credentials, unit rows) at index time and keeps its vocabulary, idf and the credentials' weights as a
term × credential CSC matrix, so a query needs no scikit-learn: the query is weighed exactly as
``TfidfVectorizer.transform`` weighs it (tests/matching/test_documents.py checks that) and its cosine
to every credential is a sum over its own terms' columns. BM25 (bm25s) was measured in its place and
ranked worse on the judged set (its scores favour long syllabi; docs/benchmarks.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from ..errors import NotFittedError
from ..extras import import_extra

TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's default token pattern
_TOKEN = re.compile(TOKEN_PATTERN)


class LexicalIndex:
    """TF-IDF cosine of a query text to every fitted document."""

    ARRAYS = ("tfidf_idf", "tfidf_data", "tfidf_indices", "tfidf_indptr")  # saved with an index (store/index_io.py)

    def __init__(self, min_df: int = 2) -> None:
        self.min_df = min_df

    def fit(self, documents: Sequence[str]) -> LexicalIndex:
        """Weigh every term of every document (a term in fewer than ``min_df`` documents is dropped; with
        fewer documents than that, every term is kept)."""
        TfidfVectorizer = import_extra("sklearn.feature_extraction.text", "embed").TfidfVectorizer

        min_df = self.min_df if len(documents) >= self.min_df else 1
        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=min_df, dtype=np.float32)
        try:
            matrix = vectorizer.fit_transform(list(documents)).tocsc()
        except ValueError:  # no term at all (e.g. only stop words): no lexical evidence
            matrix, vectorizer.vocabulary_, vectorizer.idf_ = None, {}, np.zeros(0)
        self.vocabulary_ = {str(term): int(column) for term, column in vectorizer.vocabulary_.items()}
        self.idf_ = np.asarray(vectorizer.idf_, dtype=np.float32)
        self.n_documents_ = len(documents)
        if matrix is None:
            self.data_, self.indices_ = np.zeros(0, np.float32), np.zeros(0, np.int32)
            self.indptr_ = np.zeros(1, np.int64)
        else:
            self.data_ = np.asarray(matrix.data, dtype=np.float32)
            self.indices_ = np.asarray(matrix.indices, dtype=np.int32)
            self.indptr_ = np.asarray(matrix.indptr, dtype=np.int64)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "data_"):
            raise NotFittedError("LexicalIndex is not fitted: call fit() first")

    def query_weights(self, text: str) -> dict[int, float]:
        """The query's unit TF-IDF vector as ``{term column: weight}`` (``TfidfVectorizer.transform``)."""
        self._check_fitted()
        counts = Counter(self.vocabulary_[t] for t in _TOKEN.findall(text.lower()) if t in self.vocabulary_)
        weights = {term: (1.0 + np.log(count)) * float(self.idf_[term]) for term, count in counts.items()}
        norm = float(np.sqrt(sum(w * w for w in weights.values())))
        return {term: w / norm for term, w in weights.items()} if norm > 0 else {}

    def scores(self, text: str) -> np.ndarray:
        """Cosine of ``text`` to every document (0 for a text without a known term)."""
        result = np.zeros(self.n_documents_, dtype=np.float32)
        for term, weight in self.query_weights(text).items():
            start, end = self.indptr_[term], self.indptr_[term + 1]
            result[self.indices_[start:end]] += weight * self.data_[start:end]
        return result

    # ---------------------------------------------------------------- persistence (store/index_io.py)
    def arrays(self) -> dict[str, np.ndarray]:
        return {"tfidf_idf": self.idf_, "tfidf_data": self.data_, "tfidf_indices": self.indices_,
                "tfidf_indptr": self.indptr_}  # fmt: skip

    def document(self) -> dict[str, object]:
        return {"min_df": self.min_df, "n_documents": self.n_documents_, "vocabulary": self.vocabulary_}

    @classmethod
    def from_saved(cls, arrays: Mapping[str, np.ndarray], document: Mapping[str, object]) -> LexicalIndex:
        index = cls(int(document["min_df"]))  # type: ignore[call-overload]
        index.vocabulary_ = dict(document["vocabulary"])  # type: ignore[call-overload]
        index.idf_, index.data_, index.indices_, index.indptr_ = (arrays[name] for name in cls.ARRAYS)
        index.n_documents_ = int(document["n_documents"])  # type: ignore[call-overload]
        return index
