"""Who answers each question: the vendor, or one of the municipality's own roles.

Declared once per fact in ``data/addressees.yaml`` (extension facts in their ruleset), so that the
vendor's question list and workbook carry only the vendor's questions, and so that provenance can
say "according to the vendor" or "according to the information owner".
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import cache

from secreview.i18n import Lang, Text, format_date
from secreview.vocabulary import ADDRESSEES, Addressee

if typing.TYPE_CHECKING:
    from secreview.rules.loader import Catalog
    from secreview.system import Provenance

VENDOR: Addressee = "vendor"


@dataclass(frozen=True)
class AddresseeInfo:
    """An addressee's name ("Vendor") and how a statement of theirs is attributed."""

    id: Addressee
    name: Text
    according_to: Text


@dataclass(frozen=True)
class AddresseeCatalogue:
    addressees: dict[str, AddresseeInfo]
    extension_default: Addressee
    facts: dict[str, Addressee]


def _addressee(value: object, where: str) -> Addressee:
    if value not in ADDRESSEES:
        raise ValueError(f"addressees.yaml: {where}: {value!r} is not one of "
                         f"{', '.join(ADDRESSEES)}")
    return value


@cache
def catalogue() -> AddresseeCatalogue:
    """``data/addressees.yaml``, parsed and checked against :data:`ADDRESSEES`."""
    from secreview.bundled import load_data

    raw = load_data("addressees.yaml")
    infos = {
        key: AddresseeInfo(_addressee(key, "addressees"), Text(**entry["name"]),
                           Text(**entry["according_to"]))
        for key, entry in raw["addressees"].items()
    }
    facts = {path: _addressee(value, path) for path, value in raw["facts"].items()}
    return AddresseeCatalogue(infos, _addressee(raw["extension_default"], "extension_default"),
                              facts)


def addressee_of(path: str, extension_addressee: Addressee | None = None) -> Addressee:
    """Who answers the fact at ``path``.

    ``extension_addressee`` is what the declaring ruleset says for an extension fact (None when
    it says nothing). A core fact missing from the catalogue is a bug the tests catch; it falls
    to the system owner rather than ever reaching the vendor.
    """
    data = catalogue()
    if path.startswith("extensions.") or ".extensions." in path:  # top level, or per item
        return extension_addressee or data.extension_default
    return data.facts.get(path, "system_owner")


def addressee_name(addressee: str, lang: Lang) -> str:
    """"Leverantör" / "Vendor"; an id nobody declared is shown as it is."""
    info = catalogue().addressees.get(addressee)
    return info.name.get(lang) if info else addressee


def according_to(addressee: str, lang: Lang) -> str:
    """"enligt leverantören" / "according to the vendor"."""
    info = catalogue().addressees.get(addressee)
    return info.according_to.get(lang) if info else addressee


def fact_addressee(path: str, catalog: Catalog) -> Addressee:
    """Who answers ``path`` with ``catalog``'s rulesets loaded (they declare extension facts,
    at the top level or asked for each item of a list: ``LIST.extensions.NAME``)."""
    declared = catalog.extension(path)
    return addressee_of(path, declared.addressee if declared is not None else None)


def attribution(provenance: Provenance, lang: Lang) -> str:
    """Who said it, when and where it is written: "enligt leverantören 3 december 2026, DPA
    bilaga 2" (the date as the reader's language writes it).

    The one wording of a provenance every renderer and the decision's conditions use.
    """
    parts = [according_to(provenance.role, lang), format_date(provenance.when, lang)]
    text = " ".join(parts)
    return f"{text}, {provenance.source}" if provenance.source else text
