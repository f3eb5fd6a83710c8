"""A requirement catalogue as secreview reads it, whatever format it came in."""

from dataclasses import dataclass, field
from typing import Literal

CatalogueFormat = Literal["ciso-assistant", "oscal"]

CoverageStatus = Literal["covered", "partly_covered", "not_covered", "out_of_scope"]
"""How far the loaded rules check a requirement."""
COVERAGE_STATUSES: tuple[CoverageStatus, ...] = (
    "covered", "partly_covered", "not_covered", "out_of_scope")

RequirementResult = Literal["not_met", "unverified", "met", "partly_assessed", "not_applicable",
                            "not_assessed", "out_of_scope"]
"""What a review found for a requirement (see :mod:`secreview.catalogues.view`)."""
RESULTS: tuple[RequirementResult, ...] = (
    "not_met", "unverified", "met", "partly_assessed", "not_applicable", "not_assessed",
    "out_of_scope")


@dataclass(frozen=True)
class Requirement:
    """One node of a catalogue: a requirement to assess, or a heading that groups them."""

    ref_id: str
    """How people cite it (``AC-2(1)``, ``1.2``); unique within the catalogue."""
    id: str
    """The catalogue's own identifier (a CISO Assistant URN, an OSCAL control id)."""
    name: str | None
    description: str | None
    assessable: bool
    parent: str | None = None
    """The ``id`` of the node it stands under."""
    depth: int = 1


@dataclass(frozen=True)
class RequirementCatalogue:
    """A catalogue: the identifiers it answers to, its title and its nodes in reading order."""

    ids: tuple[str, ...]
    """Every identifier a rule's ``satisfies`` or a mapping file may name it by."""
    title: str
    format: CatalogueFormat
    source: str
    sha256: str
    requirements: list[Requirement] = field(default_factory=list)

    def find(self, ref: str) -> Requirement | None:
        """The node a mapping names, by its ``ref_id`` or its ``id`` (case does not matter for
        either when the exact spelling finds nothing)."""
        for node in self.requirements:
            if ref in (node.ref_id, node.id):
                return node
        folded = ref.casefold()
        return next((n for n in self.requirements
                     if folded in (n.ref_id.casefold(), n.id.casefold())), None)

    def answers_to(self, catalogue_id: str) -> bool:
        return catalogue_id in self.ids
