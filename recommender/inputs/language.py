"""Which language a text is written in, and one name per language whatever a catalog calls it.

``detect_language`` reads the script (CJK, Arabic, Cyrillic, ...) and, for Latin-script text, counts
each language's most frequent function words; it answers only when one language clearly leads, so a
short or mixed text gives ``None`` rather than a guess. ``language_name`` maps codes ("en", "es-MX")
and native names ("Español", "中文") to one English name ("english", "spanish", "chinese").
"""

from __future__ import annotations

import re
from collections import Counter

# ISO 639-1 codes and native names → one English name (what catalogs and users write).
_NAMES = {
    "en": "english", "es": "spanish", "fr": "french", "de": "german", "pt": "portuguese", "it": "italian",
    "nl": "dutch", "ar": "arabic", "zh": "chinese", "ja": "japanese", "ko": "korean", "ru": "russian",
    "hi": "hindi", "tr": "turkish", "pl": "polish",
    "español": "spanish", "castellano": "spanish", "français": "french", "deutsch": "german",
    "português": "portuguese", "italiano": "italian", "nederlands": "dutch", "中文": "chinese",
    "日本語": "japanese", "한국어": "korean", "русский": "russian", "العربية": "arabic",
    "اللغة العربية": "arabic", "türkçe": "turkish", "polski": "polish", "हिन्दी": "hindi",
}  # fmt: skip
# The commonest function words of each Latin-script language (none shared between two of them).
_FUNCTION_WORDS = {
    "english": "the and of to in is for with are you will on as be this that our we your have from an by",
    "spanish": "el la los las de del y en que por para con una es se su al como más lo sus este esta",
    "french": "le la les des du et est une pour dans que qui sur au aux avec sont par ce cette vous nous",
    "german": "der die das und ist nicht mit ein eine den dem zu von auf für sich auch wir sie werden",
    "portuguese": "os as um uma não com para uma são pelo pela seu sua dos das nos também mais ao ou",
    "italian": "il gli della delle di che è per una sono con del nel alla anche più questo questa",
    "dutch": "het een van en is zijn op te dat voor met niet aan ook worden bij wij",
}  # fmt: skip
_WORDS = {lang: set(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_SCRIPTS = (
    ("chinese", re.compile(r"[\u4e00-\u9fff]")),
    ("japanese", re.compile(r"[\u3040-\u30ff]")),
    ("korean", re.compile(r"[\uac00-\ud7af]")),
    ("arabic", re.compile(r"[\u0600-\u06ff]")),
    ("russian", re.compile(r"[\u0400-\u04ff]")),
    ("hindi", re.compile(r"[\u0900-\u097f]")),
)
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_HITS = 5  # function words needed before a Latin-script language is named
LEAD = 2.0  # the leading language needs this many times the runner-up's hits


def language_name(value: str) -> str:
    """One lower-case English name for a language code or name ("en-US", "English", "Español" → ...)."""
    value = " ".join(value.strip().lower().split())
    return _NAMES.get(value, _NAMES.get(value.split("-")[0].split("_")[0], value))


def detect_language(text: str, *, sample: int = 4000) -> str | None:
    """The language ``text`` is written in (an English name, as ``language_name`` gives), or None."""
    head = text[:sample]
    letters = sum(1 for ch in head if ch.isalpha())
    if not letters:
        return None
    # Kana first: Japanese text is full of CJK ideographs too.
    for name, pattern in sorted(_SCRIPTS, key=lambda item: item[0] != "japanese"):
        if len(pattern.findall(head)) >= 0.3 * letters:
            return name
    hits: Counter[str] = Counter()
    for token in _TOKEN.findall(head.lower()):
        for name, words in _WORDS.items():
            if token in words:
                hits[name] += 1
    ranked = hits.most_common(2)
    if not ranked or ranked[0][1] < MIN_HITS:
        return None
    if len(ranked) > 1 and ranked[0][1] < LEAD * ranked[1][1]:
        return None
    return ranked[0][0]
