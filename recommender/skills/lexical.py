"""Lexical evidence for skill ranking: exact surface forms and character n-grams.

Dense cosines miss what spelling shows plainly: "PostgreSQL" in a sentence *is* the skill
PostgreSQL, and "Kubernetes clusters" shares most of its characters with "Kubernetes". Two levers
measured on TECH/HOUSE (docs/benchmarks.md) and kept in ``ranker.SkillRanker``:

- ``FormMatcher``: skills whose label or alias occurs word for word in a text (an exact-match boost;
  also the distant supervision of ``training_data``); its lookup tables are built once at index time
  and saved (``tables`` / ``from_tables``), since building them normalises every one of ESCO's 99k forms;
- ``CharNgramIndex``: TF-IDF over character 3–5-grams within word boundaries (scikit-learn's
  ``char_wb`` analyser, sublinear tf, smoothed idf, n-grams seen in fewer than two forms dropped),
  hashed into a fixed number of columns so that nothing but numpy and scipy is needed to apply it.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..inputs.taxonomy import Vocabulary, normalize_label

MAX_FORM_WORDS = 6
TOKEN = re.compile(r"[\w+#]+(?:[.\-/'][\w+#]+)*[+#]*")
_FUNCTION_WORDS = frozenset({"and", "or", "the", "a", "an", "of", "to", "in", "be", "with", "for"})
_SYMBOL = re.compile(r"[\d+#.]")
NGRAM_RANGE = (3, 5)
HASH_BITS = 20

if TYPE_CHECKING:  # scipy.sparse costs a noticeable share of a cold query: imported where n-grams are used
    import scipy.sparse as sp


@functools.lru_cache(maxsize=1 << 17)
def _token_key(token: str) -> str:
    return normalize_label(token)


def word_key(words: Sequence[str]) -> str:
    """The comparison key of a run of words: each word normalised (``normalize_label``), space-joined."""
    return " ".join(_token_key(word) for word in words)


@dataclass(frozen=True)
class Mention:
    """A skill named word for word in a text: where (character offsets), by which form, and whether
    that form is the skill's preferred label or one of its aliases."""

    skill: int
    start: int
    end: int
    form: str
    kind: str  # "label" or "alias"


class FormMatcher:
    """Find skills whose label or alias occurs word for word in a text (longest match wins).

    A form that names several skills, is a single character, or is in ``stop`` is never matched; with
    ``attested`` (e.g. SkillSpan's annotated spans), a one-word form must be one of them ("Python" is,
    "energy" in "bring energy" is not) unless it looks like a technology name.

    One-word aliases far from their label ("data" → statistics) are not forms; but an alias spelled as
    a name — with a capital letter, "Spark" for Apache Spark, "OCaml" — is a *name*: ``mentions``
    finds it where the text spells it the same way ("builds Spark pipelines", not "from scratch"), and
    reads a name that is one skill's label and another's alias as the labelled skill. ``find`` — the
    exact-match evidence of the skill ranker, whose figures are measured on TECH/HOUSE — reads the forms
    as it always has (no label precedence, "scratch" still a form).
    """

    def __init__(
        self, vocabulary: Vocabulary, *, attested: Iterable[str] | None = None, stop: Iterable[str] = ()
    ) -> None:
        owners: dict[str, set[int]] = {}
        shape: dict[str, tuple[str, int]] = {}  # key → (its first word's key, its number of words)
        labels: set[str] = set()
        label_owners: dict[str, set[int]] = {}
        name_owners: dict[str, set[int]] = {}
        plain_owners: dict[str, set[int]] = {}  # what ``find`` matches: every form, no label precedence
        common = _common_words(vocabulary)
        for position, skill in enumerate(vocabulary.skills):
            label_words = TOKEN.findall(skill.label.casefold())
            for rank, form in enumerate((skill.label, *skill.aliases)):
                words = TOKEN.findall(form.casefold())
                key = word_key(words)
                if len(key) < 2 or len(words) > MAX_FORM_WORDS or words[0] in _FUNCTION_WORDS:
                    continue
                # ESCO has one-word aliases far from their skill ("data" → statistics, "gcc" → computer
                # programming): a one-word alias counts only as the label's first word ("Java") or a
                # technology-looking token ("C#", "ASP.NET"). A one-word form spelled as a name ("Spark",
                # "OCaml") is matched as a name, spelled the same way, when it is not such a form or when
                # the vocabulary's own descriptions use it as an ordinary word ("scratch", "spark").
                original = TOKEN.fullmatch(form.strip()) and form.strip()
                is_name = bool(original) and len(original) > 2 and original != original.lower()
                far = rank and len(words) == 1 and words[:1] != label_words[:1] and not _SYMBOL.search(key)
                if len(words) == 1 and is_name and (far or words[0] in common):
                    name_owners.setdefault(original, set()).add(position)
                    if not far:
                        plain_owners.setdefault(key, set()).add(position)  # ``find`` still reads it as a form
                        shape[key] = (_token_key(words[0]), 1)
                    continue
                if far:
                    continue
                owners.setdefault(key, set()).add(position)
                plain_owners.setdefault(key, set()).add(position)
                shape[key] = (_token_key(words[0]), len(words))
                if not rank:
                    labels.add(key)
                    label_owners.setdefault(key, set()).add(position)
        stopped = {normalize_label(s) for s in stop}
        allowed = None if attested is None else {word_key(TOKEN.findall(a.casefold())) for a in attested}
        # A name that is one skill's label and other skills' alias means the labelled skill (as
        # ``Vocabulary.lookup`` reads it): "project management" is that skill, not "perform project management".
        for key, skills in label_owners.items():
            if len(skills) == 1:
                owners[key] = skills

        def unambiguous(table: dict[str, set[int]]) -> dict[str, int]:
            return {
                key: next(iter(skills))
                for key, skills in table.items()
                if len(skills) == 1
                and key not in stopped
                and (allowed is None or " " in key or key in allowed or _SYMBOL.search(key))
            }

        self.forms = unambiguous(owners)
        # ``find`` (the skill ranker's exact-match evidence, measured on TECH/HOUSE) keeps reading every form
        # as before: the differences from ``forms`` are kept apart.
        plain = unambiguous(plain_owners)
        self.find_only = {key: skill for key, skill in plain.items() if self.forms.get(key) != skill}
        self.find_never = sorted(key for key in self.forms if key not in plain)
        self.labels = {key for key in self.forms if key in labels}
        # Names: unambiguous, and not also an ordinary form of another skill.
        self.names = {
            name: next(iter(skills))
            for name, skills in name_owners.items()
            if len(skills) == 1 and normalize_label(name) not in stopped and word_key([name]) not in owners
        }
        # Names that are also ordinary words ("Swift", "Access"): not where any word is capitalised.
        self.ordinary_names = sorted(name for name in self.names if name.casefold() in common)
        # Per first word, the most words a form starting with it has: most words start none.
        self._longest: dict[str, int] = {}
        for key in (*self.forms, *self.find_only):
            first, length = shape[key]
            self._longest[first] = max(self._longest.get(first, 0), length)

    def tables(self) -> dict[str, Any]:
        """The lookup tables ``find`` and ``mentions`` read, as JSON-ready dicts (saved beside an index)."""
        return {
            "forms": self.forms,
            "longest": self._longest,
            "labels": sorted(self.labels),
            "names": self.names,
            "ordinary_names": self.ordinary_names,
            "find_only": self.find_only,
            "find_never": self.find_never,
        }

    @classmethod
    def from_tables(cls, tables: dict[str, Any]) -> FormMatcher:
        """A matcher from saved ``tables()``: finds exactly what the one that wrote them finds."""
        matcher = cls.__new__(cls)
        matcher.forms, matcher._longest = dict(tables["forms"]), dict(tables["longest"])
        matcher.labels, matcher.names = set(tables.get("labels", ())), dict(tables.get("names", {}))
        matcher.ordinary_names = list(tables.get("ordinary_names", ()))
        matcher.find_only = dict(tables.get("find_only", {}))
        matcher.find_never = list(tables.get("find_never", ()))
        return matcher

    @functools.cached_property
    def _find_never(self) -> frozenset[str]:
        return frozenset(self.find_never)

    def _find_form(self, key: str) -> int | None:
        if key in self.find_only:
            return self.find_only[key]
        return None if key in self._find_never else self.forms.get(key)

    def find(self, text: str) -> list[tuple[int, str]]:
        """``(skill, matched form)`` for each form in ``text``, left to right, longest first, no overlaps."""
        keys = [_token_key(word) for word in TOKEN.findall(text.casefold())]
        found: list[tuple[int, str]] = []
        i = 0
        while i < len(keys):
            for n in range(min(self._longest.get(keys[i], 0), len(keys) - i), 0, -1):
                key = " ".join(keys[i : i + n])
                skill = self._find_form(key)
                if skill is not None:
                    found.append((skill, key))
                    i += n
                    break
            else:
                i += 1
        return found

    def mentions(self, text: str) -> list[Mention]:
        """Every skill ``text`` names word for word, with character offsets into ``text``: forms as
        ``find`` matches them (case-insensitive, longest first, no overlaps), and names spelled as the
        vocabulary spells them."""
        tokens = list(TOKEN.finditer(text))
        keys = [_token_key(token.group().casefold()) for token in tokens]
        found: list[Mention] = []
        i = 0
        while i < len(keys):
            for n in range(min(self._longest.get(keys[i], 0), len(keys) - i), 0, -1):
                key = " ".join(keys[i : i + n])
                skill = self.forms.get(key)
                if skill is not None:
                    start, end = tokens[i].start(), tokens[i + n - 1].end()
                    found.append(Mention(skill, start, end, key, "label" if key in self.labels else "alias"))
                    i += n
                    break
            else:
                skill = self.names.get(tokens[i].group())
                if skill is not None and not (
                    tokens[i].group() in self._ordinary and _starts_sentence(text, tokens[i].start())
                ):
                    found.append(Mention(skill, tokens[i].start(), tokens[i].end(), keys[i], "alias"))
                i += 1
        return found

    @functools.cached_property
    def _ordinary(self) -> frozenset[str]:
        return frozenset(self.ordinary_names)


_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\r•*|(\[-])\W*$")


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` begins a sentence, line or list item (so its capital says nothing)."""
    return bool(_SENTENCE_START.search(text[max(0, start - 12) : start])) or start == 0


def _common_words(vocabulary: Vocabulary) -> frozenset[str]:
    """Words the vocabulary's descriptions write in lower case: ordinary words, not names."""
    words: set[str] = set()
    for skill in vocabulary.skills:
        words.update(word for word in TOKEN.findall(skill.description) if word.islower())
    return frozenset(words)


def char_ngrams(text: str, low: int = NGRAM_RANGE[0], high: int = NGRAM_RANGE[1]) -> list[str]:
    """Character n-grams of each whitespace-separated word, padded with a space on both sides
    (scikit-learn's ``char_wb``), lowercased."""
    grams: list[str] = []
    for word in text.casefold().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) < n:
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


class CharNgramIndex:
    """Cosine of character n-gram TF-IDF vectors between texts and the fitted forms."""

    def __init__(self, bits: int = HASH_BITS, min_df: int = 2) -> None:
        self.bits = bits
        self.min_df = min_df

    def _counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        import scipy.sparse as sp

        mask = (1 << self.bits) - 1
        rows, cols = [], []
        for row, text in enumerate(texts):
            for gram in char_ngrams(text):
                rows.append(row)
                cols.append(zlib.crc32(gram.encode("utf-8")) & mask)
        data = np.ones(len(rows), dtype=np.float32)
        counts = sp.csr_matrix((data, (rows, cols)), shape=(len(texts), 1 << self.bits), dtype=np.float32)
        counts.sum_duplicates()
        return counts

    def fit(self, forms: Sequence[str]) -> CharNgramIndex:
        counts = self._counts(forms)
        df = np.bincount(counts.indices, minlength=1 << self.bits)
        idf = np.log((1 + len(forms)) / (1 + df)) + 1.0
        idf[df < self.min_df] = 0.0  # n-grams too rare to generalise carry no weight
        self.idf_ = idf.astype(np.float32)
        self.forms_ = self._weigh(counts)
        return self

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        import scipy.sparse as sp

        weighted = counts.copy()
        weighted.data = (1.0 + np.log(weighted.data)) * self.idf_[weighted.indices]
        weighted.eliminate_zeros()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted, dtype=np.float32)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Unit TF-IDF rows for ``texts`` (all-zero rows for texts without known n-grams)."""
        return self._weigh(self._counts(texts))

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine of each text to each fitted form, dense ``(texts, forms)``."""
        return np.asarray((self.transform(texts) @ self.forms_.T).toarray(), dtype=np.float32)
