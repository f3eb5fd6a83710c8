"""Legal citations as each language writes them.

Rulesets cite EU acts the English way (``Art. 28(3)(a)``, ``Recital 43``) and Swedish statutes the
Swedish way (``10 kap. 2 a §``). A Swedish report then read "GDPR Art. 35(7)" and an English one
"OSL 10 kap. 2 a §". Here a reference's clause is rewritten for the reader:

- Swedish: ``art. 28.3 a``, ``skäl 43``, ``bilaga A 8.13``; dates with Swedish month names;
- English: ``Art. 28(3)(a)``, ``Chapter 10, Section 2 a``, ``Sections 6–7``; English month names.

Only the patterns below are rewritten; anything else (a decision's name, a guidance title) is a
proper name and stays as written.
"""

from __future__ import annotations

import re
from functools import cache

from secreview.i18n import Lang, label
from secreview.rules.model import Reference

_ARTICLE_EN = re.compile(r"\bArt(?:icle|\.)\s*(\d+)((?:\(\w+\))*)")
_ARTICLE_SV = re.compile(r"\bart(?:ikel|\.)\s*(\d+)((?:\.\d+)?(?:\s[a-z]\b)?)")
_RECITAL = re.compile(r"\bRecital\s+(\d+)")
_SKAL = re.compile(r"\bskäl\s+(\d+)")
_ANNEX = re.compile(r"\bAnnex\s+([A-Z])\b")
_BILAGA = re.compile(r"\bbilaga\s+([A-Z])\b")
_CHAPTER = re.compile(r"\b(\d+)\s*kap\.\s*")
_SECTIONS = re.compile(r"\b(\d+(?:\s[a-z])?)\s*[-–]\s*(\d+(?:\s[a-z])?)\s*§§")
_SECTION = re.compile(r"\b(\d+(?:\s[a-z](?![a-zåäö]))?)\s*§(?!§)")
_POINT = re.compile(r"\bp\.\s*(\d+)")
_GENERAL_ADVICE = re.compile(r"\(allmänna råd\)")


@cache
def _months() -> tuple[dict[str, str], dict[str, str]]:
    """English → Swedish and Swedish → English month names, from the shared labels."""
    to_sv: dict[str, str] = {}
    to_en: dict[str, str] = {}
    for month in range(1, 13):
        sv = label(f"date.month.{month}", "sv")
        en = label(f"date.month.{month}", "en")
        to_sv[en] = sv
        to_en[sv] = en
    return to_sv, to_en


def _dates(text: str, lang: Lang) -> str:
    to_sv, to_en = _months()
    names = to_sv if lang == "sv" else to_en
    pattern = re.compile(r"\b(" + "|".join(names) + r")\b")
    return pattern.sub(lambda m: names[m.group(1)], text)


def _sv_article(match: re.Match[str]) -> str:
    parts = re.findall(r"\((\w+)\)", match.group(2))
    numbers = [p for p in parts if p.isdigit()]
    letters = [p for p in parts if not p.isdigit()]
    text = "art. " + ".".join([match.group(1), *numbers])
    return text + "".join(f" {letter}" for letter in letters)


def _en_article(match: re.Match[str]) -> str:
    tail = match.group(2).strip()
    numbers = re.findall(r"\.(\d+)", tail)
    letters = re.findall(r"\s([a-z])\b", " " + tail)
    return "Art. " + match.group(1) + "".join(f"({p})" for p in [*numbers, *letters])


def clause_text(clause: str, lang: Lang) -> str:
    """A reference's clause rewritten for ``lang`` (see the module docstring)."""
    if lang == "sv":
        text = _ARTICLE_EN.sub(_sv_article, clause)
        text = _RECITAL.sub(r"skäl \1", text)
        text = _ANNEX.sub(r"bilaga \1", text)
        return _dates(text, "sv")
    text = _ARTICLE_SV.sub(_en_article, clause)
    text = _SKAL.sub(r"Recital \1", text)
    text = _BILAGA.sub(r"Annex \1", text)
    text = _SECTIONS.sub(r"Sections \1–\2", text)
    text = _SECTION.sub(r"Section \1", text)
    text = _CHAPTER.sub(r"Chapter \1, ", text)
    text = _POINT.sub(r"point \1", text)
    text = _GENERAL_ADVICE.sub("(general advice)", text)
    text = re.sub(r"(Section [\w ]+?) (point \d+)", r"\1, \2", text)
    return _dates(text, "en")


def cite(reference: Reference, lang: Lang) -> str:
    """``source clause`` as ``lang`` writes it: "GDPR (EU) 2016/679 art. 35.7"."""
    if not reference.clause:
        return reference.source
    return f"{reference.source} {clause_text(reference.clause, lang)}"
