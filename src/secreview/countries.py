"""Country codes checked against ISO 3166-1 alpha-2, with a "did you mean" for the usual slips.

The codes come from pycountry (the ISO 3166 database, maintained), not from a hand-typed list, so
a code the standard does not have is refused instead of being treated as some third country: a
description saying ``UK`` once reviewed the United Kingdom as a country without an adequacy
decision. The hints cover what people actually write: ``UK`` and ``EL`` (reserved codes the EU
uses for the United Kingdom and Greece), lower case, three-letter codes and country names in
English or Swedish.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from pydantic_core import PydanticCustomError

from secreview.valuesets import regions

ALIASES: dict[str, str] = {"UK": "GB", "EL": "GR"}
"""Codes ISO 3166 only reserves, which EU texts use for the United Kingdom and Greece."""


@cache
def iso_codes() -> frozenset[str]:
    """Every current ISO 3166-1 alpha-2 code."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country is not None else code


@cache
def _names() -> dict[str, str]:
    """Country names in English and Swedish (lower case) to their code."""
    names: dict[str, str] = {}
    swedish: gettext.NullTranslations
    try:
        swedish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["sv"])
    except OSError:  # pragma: no cover - pycountry ships the Swedish catalogue
        swedish = gettext.NullTranslations()
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None),
                     getattr(country, "official_name", None)):
            if name:
                names[name.casefold()] = country.alpha_2
                names[swedish.gettext(name).casefold()] = country.alpha_2
    return names


def suggestion(value: str) -> str | None:
    """What the writer probably meant, as a hint, or None."""
    text = value.strip()
    upper = text.upper()
    code: str | None = None
    if upper in ALIASES:
        code = ALIASES[upper]
    elif upper in iso_codes() and text != upper:
        return f"write the code in capitals: '{upper}'"
    elif len(upper) == 3 and (found := pycountry.countries.get(alpha_3=upper)) is not None:
        code = found.alpha_2
    else:
        code = _names().get(text.casefold())
    if code is None:
        return None
    return f"did you mean '{code}' ({country_name(code)})?"


def _invalid(value: str, allow_regions: bool) -> PydanticCustomError:
    hint = suggestion(value)
    if value in regions() and not allow_regions:
        hint = (f"'{value}' is a region; here give the one country (the ISO code of the "
                "country where the company is registered, e.g. SE)")
    elif hint is None:
        hint = "use an ISO 3166-1 alpha-2 code such as SE, NO, DE or US" + (
            ", or a region: " + ", ".join(sorted(regions())) if allow_regions else "")
    return PydanticCustomError(
        "country_code", "'{value}' is not an ISO 3166-1 alpha-2 country code",
        {"value": value, "suggestion": hint},
    )


def check_country(value: str) -> str:
    """A pydantic validator: one country, as its ISO 3166-1 alpha-2 code."""
    if value not in iso_codes():
        raise _invalid(value, allow_regions=False)
    return value


def check_country_or_region(value: str) -> str:
    """A pydantic validator for lists of locations: a country code or a region (EU, EEA)."""
    if value not in iso_codes() and value not in regions():
        raise _invalid(value, allow_regions=True)
    return value
