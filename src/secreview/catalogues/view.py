"""A review seen through an external catalogue: per requirement, what the rules that satisfy it
found for this system (``secreview review SYSTEM --catalogue FILE``).

Small and truthful on purpose: each requirement carries only its reference, name, coverage, a
result and the ids of its rules (the findings themselves are in the review). A requirement is
*met* only when a rule that fully satisfies it passes and none of its rules found a problem or
is undecided; when only partial rules passed it is *partly assessed*, never met.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from secreview.catalogues.coverage import CoverageReport, RequirementCoverage
from secreview.catalogues.model import RESULTS, RequirementResult
from secreview.review import CatalogueView, RequirementOutcome, Review
from secreview.rules.loader import Catalog


def _result(row: RequirementCoverage, statuses: Mapping[str, str]) -> RequirementResult:
    if row.status == "out_of_scope":
        return "out_of_scope"
    if not row.rules:
        return "not_assessed"
    found = [statuses.get(c.rule_id) for c in row.rules]
    if any(s in ("finding", "waived") for s in found):
        return "not_met"
    if "unknown" in found:
        return "unverified"
    if all(s == "not_applicable" for s in found):
        return "not_applicable"
    if any(c.extent == "full" and statuses.get(c.rule_id) == "pass" for c in row.rules):
        return "met"
    return "partly_assessed"


def catalogue_view(statuses: Mapping[str, str], report: CoverageReport) -> CatalogueView:
    """The review's rule statuses (rule id → status) per requirement of the covered catalogue."""
    rows = [RequirementOutcome(
        ref_id=row.ref_id, name=row.name or row.description,
        section=row.section, coverage=row.status, result=_result(row, statuses),
        rule_ids=[c.rule_id for c in row.rules]) for row in report.requirements]
    counts = {result: sum(1 for r in rows if r.result == result) for result in RESULTS}
    ref = report.catalogue
    return CatalogueView(title=ref.title, ids=ref.ids, source=ref.source, sha256=ref.sha256,
                         mappings=ref.mappings, counts=counts, requirements=rows)


def with_catalogue(review: Review, catalog: Catalog, catalogue: str | Path,
                   mappings: Sequence[str | Path] = ()) -> Review:
    """``review`` with its view per requirement of ``catalogue`` (the bundled mappings for it
    apply, and ``mappings``, which must be for it). ``catalog`` is the reviewer's rules."""
    from secreview.catalogues.coverage import catalogue_and_mappings, coverage

    requirements, applied = catalogue_and_mappings(catalogue, mappings)
    report = coverage(requirements, catalog, applied)
    statuses = {f.rule_id: f.status for f in review.findings}
    return review.model_copy(update={"catalogue": catalogue_view(statuses, report)})
