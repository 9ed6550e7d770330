"""Open Badges 3.0 (1EdTech): ``Achievement`` definitions as catalog records.

An Achievement may stand alone, sit in a list, or be the ``credentialSubject.achievement`` of an
``OpenBadgeCredential`` (``AchievementCredential``). Read: ``id``, ``name``, ``description``,
``criteria.narrative``, ``achievementType``, ``alignment[]`` (an ESCO skill URI in ``targetUrl``
becomes a declared skill with that id; other alignments declare their ``targetName``; an EQF
alignment gives the level), ``creditsAvailable``, ``fieldOfStudy``, ``tag[]``, ``creator.name``
(else the credential's ``issuer.name``) and ``inLanguage``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .common import Reading, as_list, is_esco_skill, join_text, keywords_line, lang_text, types_of

CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential", "VerifiableCredential"}
_EQF = re.compile(r"\bEQF\b|/snb/eqf/", re.IGNORECASE)


def looks_like(node: Any) -> bool:
    """True for an Achievement or an Open Badges credential."""
    if not isinstance(node, dict):
        return False
    context = " ".join(str(c) for c in as_list(node.get("@context")))
    return (
        "purl.imsglobal.org/spec/ob/" in context
        or "Achievement" in types_of(node)
        or bool(types_of(node) & {"OpenBadgeCredential", "AchievementCredential"})
    )


def _name(value: Any, language: str) -> str:
    if isinstance(value, dict):
        return lang_text(value.get("name"), language)
    return ""


def _alignments(achievement: dict[str, Any], language: str) -> tuple[list[str], str]:
    """Declared skills and the EQF level (if an alignment names one)."""
    skills: list[str] = []
    level = ""
    for alignment in as_list(achievement.get("alignment")):
        if not isinstance(alignment, dict):
            continue
        url = str(alignment.get("targetUrl") or "").strip()
        name = lang_text(alignment.get("targetName"), language)
        framework = " ".join(str(alignment.get(k) or "") for k in ("targetFramework", "targetType"))
        if _EQF.search(framework) or _EQF.search(url):
            digits = re.findall(r"\d", str(alignment.get("targetCode") or "") + " " + name + " " + url)
            level = f"EQF {digits[-1]}" if digits else level
        elif is_esco_skill(url):
            skills.append(url.rstrip("/"))
        elif "/esco/" in url:
            continue  # an ESCO occupation or qualification: not a skill
        elif name or alignment.get("targetCode"):
            skills.append(name or str(alignment["targetCode"]).strip())
    return skills, level


def _achievement_values(achievement: dict[str, Any], issuer: str, language: str) -> dict[str, Any] | str:
    """The catalog values of one Achievement, or the reason it cannot be read."""
    title = lang_text(achievement.get("name"), language, sep=" ")
    if not title:
        return "the Achievement has no name"
    criteria = achievement.get("criteria")
    narrative = lang_text(criteria.get("narrative"), language) if isinstance(criteria, dict) else ""
    skills, level = _alignments(achievement, language)
    credits = achievement.get("creditsAvailable")
    text = join_text(
        lang_text(achievement.get("description"), language),
        narrative,
        keywords_line("Keywords", [str(t) for t in as_list(achievement.get("tag"))]),
        f"Credits available: {credits:g}."
        if isinstance(credits, (int, float)) and not isinstance(credits, bool)
        else "",
    )
    if not text and not skills:
        return "the Achievement has no description, criteria or skill alignments to profile"
    identifier = str(achievement.get("id") or "").strip()
    kind = str(achievement.get("achievementType") or "").strip()
    return {
        "id": identifier,
        "title": title,
        "text": text,
        "skills": skills,
        "provider": _name(achievement.get("creator"), language) or issuer,
        "language": str(achievement.get("inLanguage") or "").strip(),
        "field": lang_text(achievement.get("fieldOfStudy"), language, sep=", "),
        "type": kind[4:] if kind.startswith("ext:") else kind,
        "level": level,
        "url": identifier if identifier.startswith(("http://", "https://")) else "",
    }


def read(items: Iterable[tuple[int, Any]], language: str = "en") -> Reading:
    """Read every Achievement of an Open Badges 3.0 document (see the module docstring)."""
    reading = Reading()
    for position, node in items:
        if not isinstance(node, dict):
            reading.skip(position, f"item {position} is a JSON {type(node).__name__}, not an Achievement object")
            continue
        types = types_of(node)
        found: list[tuple[Any, str, str]] = []  # (achievement, issuer name, where)
        if "Achievement" in types or ("name" in node and "criteria" in node and not types & CREDENTIAL_TYPES):
            found.append((node, "", f"item {position}"))
        elif "credentialSubject" in node or types & CREDENTIAL_TYPES:
            issuer = _name(node.get("issuer"), language)
            subjects = as_list(node.get("credentialSubject"))
            if not subjects:
                reading.skip(position, f"item {position}: the credential has no credentialSubject")
            for s, subject in enumerate(subjects):
                achievement = subject.get("achievement") if isinstance(subject, dict) else None
                found.append((achievement, issuer, f"item {position} credentialSubject[{s}].achievement"))
        else:
            kinds = ", ".join(sorted(types)) or "no type"
            reading.skip(position, f"item {position} is not an Achievement or OpenBadgeCredential ({kinds})")
            continue
        for achievement, issuer, where in found:
            if isinstance(achievement, str):
                reading.skip(position, f"{where} is only a link ({achievement}); embed the Achievement object")
                continue
            if not isinstance(achievement, dict):
                reading.skip(position, f"{where} is missing")
                continue
            values = _achievement_values(achievement, issuer, language)
            if isinstance(values, str):
                reading.skip(position, f"{where}: {values}")
            else:
                reading.records.append((position, values))
    return reading
