"""Pure functions that turn raw cell values (skills, hours, prices, id lists) into typed values.

Every parser accepts whatever a CSV cell or a JSON value can hold (``None``, numbers, strings,
lists) and never raises on odd input: it returns an empty or ``None`` result instead, so the caller
can count what could not be parsed.
"""

from __future__ import annotations

import ast
import json
import math
import re
from typing import Any

__all__ = [
    "is_missing",
    "parse_cost",
    "parse_hours",
    "parse_id_list",
    "parse_skill_list",
    "parse_text",
    "truncate_text",
]

#: Cell values that mean "no value" in scraped files (compared case-insensitively).
MISSING_TOKENS = frozenset({"", "none", "null", "nan", "n/a", "na", "-", "--"})

WEEKS_PER_MONTH = 4.345
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_QUOTES = "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f"
_SPLIT = re.compile(r"[,;|\n\r]+")
_BRACKETS = {"[": "]", "{": "}", "(": ")"}

_NUM = r"(\d+(?:\.\d+)?)"
_RANGE = _NUM + r"(?:\s*(?:-|to)\s*" + _NUM + r")?"
_HOURS = re.compile(
    _RANGE + r"\s*\+?\s*(hours?|hrs?|h|minutes?|mins?)\b"
    r"(?:\s*(?:of\s+\w+\s*)?(?:per|/|a|each|every)\s*(week|wk|day|month))?",
    re.IGNORECASE,
)
_DURATION = re.compile(_RANGE + r"\s*(weeks?|wks?|months?|days?|years?)\b", re.IGNORECASE)
_WEEKS_PER_UNIT = {"d": 1 / 7, "w": 1.0, "m": WEEKS_PER_MONTH, "y": 52.143}

_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CODES = "USD|EUR|GBP|JPY|INR|CAD|AUD|CHF|CNY|EGP|SAR|AED|BRL|MXN|SEK|NOK|DKK|PLN|ZAR|SGD|HKD|NZD|KRW"
_AMOUNT = re.compile(
    r"(?:\b(?P<code1>" + _CODES + r")\s*)?(?P<sym>[$€£¥₹])?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d{1,2})?)"
    r"(?:\s*(?P<sym2>[$€£¥₹]))?(?:\s*(?P<code2>" + _CODES + r")\b)?",
    re.IGNORECASE,
)


def is_missing(value: Any) -> bool:
    """Return True for ``None``, NaN, blank strings and placeholder tokens such as ``"None"``."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return value.strip().casefold() in MISSING_TOKENS
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return len(value) == 0
    return False


def parse_text(value: Any) -> str:
    """Return ``value`` as a stripped string; missing values become ``""``."""
    if is_missing(value):
        return ""
    if isinstance(value, (list, tuple)):
        return "\n\n".join(parse_text(v) for v in value if not is_missing(v))
    return str(value).strip()


def truncate_text(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, at a word boundary when there is one nearby."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\t"))
    return (cut[:space] if space > limit // 2 else cut).rstrip()


def _literal_items(text: str) -> list[Any] | None:
    """Parse a JSON or Python list/set/tuple literal safely, keeping the written order."""
    opener, closer = text[0], text[-1]
    if _BRACKETS.get(opener) != closer:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        # A set literal is rewritten as a list so that its order is the written order
        # (iterating a real set of strings depends on the hash seed).
        try:
            parsed = ast.literal_eval("[" + text[1:-1] + "]")
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return None
    if isinstance(parsed, (list, tuple)):
        return list(parsed)
    return None


def _split_items(value: Any) -> list[str]:
    """Flatten ``value`` into raw item strings, before cleaning."""
    if is_missing(value):
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        out: list[str] = []
        for item in value:
            out.extend(_split_items(item) if isinstance(item, (list, tuple)) else [str(item)])
        return out
    if not isinstance(value, str):
        return [str(value)]
    text = value.strip()
    literal = _literal_items(text)
    if literal is not None:
        return [str(v) for v in literal if not is_missing(v)]
    if _BRACKETS.get(text[0]) == text[-1]:
        text = text[1:-1]  # an unparseable bracketed list such as ``{Course}``
    return _SPLIT.split(text)


def _clean_items(value: Any, *, casefold: bool) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for raw in _split_items(value):
        item = raw.strip().strip(_QUOTES).strip()
        if is_missing(item):
            continue
        key = item.casefold() if casefold else item
        if key not in seen:
            seen.add(key)
            out.append(item)
    return tuple(out)


def parse_skill_list(value: Any) -> tuple[str, ...]:
    """Parse declared skills: a list, a JSON/Python list or set literal, or a delimited string.

    Strings are split on ``,`` ``;`` ``|`` and newlines; items are stripped of whitespace and
    quotes, empties dropped, and duplicates removed case-insensitively, keeping the first spelling.

    >>> parse_skill_list('{" Network Security"," Python Programming"}')
    ('Network Security', 'Python Programming')
    """
    return _clean_items(value, casefold=True)


def parse_id_list(value: Any) -> tuple[str, ...]:
    """Parse a list of credential ids (``stacks_into``, ``requires``); duplicates removed exactly."""
    return _clean_items(value, casefold=False)


def _midpoint(low: str, high: str | None) -> float:
    return (float(low) + float(high)) / 2 if high else float(low)


def parse_hours(value: Any) -> float | None:
    """Return the total learning hours stated by ``value``, or ``None`` when no hours are stated.

    Ranges use the midpoint. A weekly (daily, monthly) rate is multiplied by a duration found in
    the same string (``"2–3 hours per week\\n\\n8 Weeks"`` -> 20.0; a month is 4.345 weeks). A rate
    without a duration, or a duration without hours (``"1 - 3 Months"``), is unknown: ``None``.
    """
    if isinstance(value, bool) or is_missing(value):
        return None
    if isinstance(value, (int, float)):
        return _non_negative(value)
    text = str(value).translate(_DASHES).strip()
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return number if math.isfinite(number) and number >= 0 else None
    match = _HOURS.search(text)
    if match is None:
        return None
    low, high, unit, per = match.groups()
    hours = _midpoint(low, high)
    if unit.lower().startswith("m"):
        hours /= 60.0
    if per is None:
        return hours
    rest = text[: match.start()] + " " + text[match.end() :]
    duration = _DURATION.search(rest)
    if duration is None:
        return None
    d_low, d_high, d_unit = duration.groups()
    weeks = _midpoint(d_low, d_high) * _WEEKS_PER_UNIT[d_unit[0].lower()]
    rate_weeks = _WEEKS_PER_UNIT[per[0].lower()]  # the rate is per day, week or month
    return round(hours * weeks / rate_weeks, 4)


def _non_negative(value: int | float) -> float | None:
    """``value`` as a float when finite and not negative, else None (JSON integers beyond a float's range too)."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _to_number(text: str) -> float:
    if "," in text and "." not in text and re.fullmatch(r"\d+,\d{1,2}", text):
        return float(text.replace(",", "."))  # a decimal comma: "30,50"
    return float(text.replace(",", ""))


def parse_cost(value: Any) -> tuple[float | None, str]:
    """Return ``(amount, currency)`` from a price cell; ``(None, "")`` when unknown.

    The first stated amount wins, so ``"FREE-Add a Verified Certificate for $49 USD"`` is the
    certificate's price ``(49.0, "USD")``; a plain ``"FREE"`` is ``(0.0, "")``. Symbols map to
    codes (``$`` USD, ``€`` EUR, ``£`` GBP, ``¥`` JPY, ``₹`` INR).
    """
    if isinstance(value, bool) or is_missing(value):
        return None, ""
    if isinstance(value, (int, float)):
        return _non_negative(value), ""
    text = str(value).strip()
    for match in _AMOUNT.finditer(text):
        code = match.group("code1") or match.group("code2")
        symbol = match.group("sym") or match.group("sym2")
        currency = code.upper() if code else _SYMBOLS.get(symbol or "", "")
        return _to_number(match.group("num")), currency
    if re.search(r"\bfree\b", text, re.IGNORECASE):
        return 0.0, ""
    return None, ""
