"""What each field of the review JSON means: the descriptions its published schema carries.

Kept as one table beside the models (review.py keeps the shapes) so that every property of
``docs/schemas/review.schema.json`` is described; a test refuses a field without one. Fields that
already carry a ``Field(description=...)`` keep theirs.
"""

from __future__ import annotations

from typing import Any

DESCRIPTIONS: dict[str, str] = {
    # Review
    "Review.schema_version": "Version of this JSON contract: MAJOR.MINOR; additions bump the "
                             "minor, removals or renames the major",
    "Review.engine_version": "secreview version that produced the review",
    "Review.review_date": "The date the review speaks for: waivers expire and the next review "
                          "is counted from it",
    "Review.reviewer": "Who reviewed, as the description names them",
    "Review.next_review": "When to review again (the description's date, else the review date "
                          "plus the profile's interval)",
    "Review.language": "Language of the review's own texts and of reports by default",
    "Review.system": "The system reviewed and the SHA-256 of its description",
    "Review.rulesets": "Every ruleset evaluated, with version and SHA-256 (provenance)",
    "Review.profile": "The organisation profile used, with version and SHA-256",
    "Review.waivers_sha256": "SHA-256 of the waiver file, when one was applied",
    "Review.tailoring": "Rules the profile disabled or overrode, and tailoring not applied",
    "Review.matrix": "The profile's risk matrix, enough to draw the heat map",
    "Review.decision": "The outcome, why, and the conditions to meet",
    "Review.summary": "Counts per status, aspect and level, and the overall level",
    "Review.aspects": "One summary per aspect (data protection, access control, ...)",
    "Review.dpia": "DPIA screening on the WP248 criteria",
    "Review.findings": "One entry per rule evaluated, open problems first",
    "Review.questions": "Unknown facts that decide rules, ranked by the risk they may hide",
    # SystemRef
    "SystemRef.name": "The system's name",
    "SystemRef.sha256": "SHA-256 of the description as submitted",
    "SystemRef.vendor": "The vendor's name",
    "SystemRef.owner_board": "The board (nämnd) that owns the system",
    "SystemRef.system_owner": "The system owner",
    "SystemRef.information_owner": "The information owner",
    "SystemRef.management_object": "The management object (förvaltningsobjekt) it belongs to",
    "SystemRef.capability": "The capability it provides, for the register",
    # RulesetRef, ProfileRef, Tailored
    "RulesetRef.id": "Ruleset id",
    "RulesetRef.version": "Ruleset version (semantic)",
    "RulesetRef.sha256": "SHA-256 of the ruleset file",
    "RulesetRef.title": "Ruleset title in both languages",
    "ProfileRef.id": "Profile id",
    "ProfileRef.version": "Profile version",
    "ProfileRef.sha256": "SHA-256 of the profile file",
    "ProfileRef.organisation": "The organisation the profile belongs to",
    "ProfileRef.matrix": "Id of the profile's risk matrix",
    "Tailored.rule_id": "The rule tailored",
    "Tailored.change": "disabled, override (levels changed) or not_applied (rule not loaded)",
    "Tailored.reason": "Why, as the profile says",
    "Tailored.consequence": "The consequence the override sets (rule scale 1-4)",
    "Tailored.likelihood": "The likelihood the override sets (rule scale 1-4)",
    # Matrix
    "MatrixInfo.id": "Matrix id",
    "MatrixInfo.title": "Matrix title in both languages",
    "MatrixInfo.likelihood": "Likelihood steps, lowest first",
    "MatrixInfo.consequence": "Consequence steps, lowest first",
    "MatrixInfo.levels": "Risk levels, lowest first",
    "MatrixInfo.grid": "grid[likelihood-1][consequence-1] is a level id",
    "LevelInfo.id": "Level id, as findings name it",
    "LevelInfo.label": "Level name in both languages",
    "LevelInfo.colour": "The profile's colour for the level (#rrggbb)",
    # Decision
    "Decision.outcome": "approve, approve_with_conditions, incomplete or reject",
    "Decision.clause": "Id of the profile's decision clause that decided (none: the default)",
    "Decision.reasons": "Why, one reason per clause that fired",
    "Decision.conditions": "What must be done, by whom and when, for the system to be approved",
    "WorstCase.outcome": "The decision if every unknown fact went against the system",
    "Ceiling.owner_role": "Who enforces the restriction",
    "Ceiling.due": "By when the restriction must be in place",
    "Reason.clause": "The decision clause",
    "Reason.text": "The reason in both languages",
    "Reason.rule_ids": "The rules that made the clause fire",
    "ApprovalCondition.rule_id": "The rule whose finding the condition resolves",
    "ApprovalCondition.title": "The rule's title",
    "ApprovalCondition.remediation": "What to do",
    "ApprovalCondition.owner_role": "Who does it",
    "ApprovalCondition.due": "By when",
    "ApprovalCondition.level": "The finding's residual level",
    "ApprovalCondition.status": "finding, or unknown (verify before signing)",
    # Summary, aspects
    "Summary.statuses": "Number of rules per status",
    "Summary.aspects": "Number of rules per status, per aspect",
    "Summary.levels": "Open findings and unknowns per residual level",
    "Summary.overall_level": "Highest residual level of open findings and unknowns (roll-up by "
                             "maximum, never by average)",
    "Summary.compliance_percent": "Weighted share of rules passed; for information only",
    "AspectSummary.id": "Aspect id",
    "AspectSummary.title": "Aspect title in both languages",
    "AspectSummary.statuses": "Number of rules per status in this aspect",
    "AspectSummary.unknown": "Rules left undecided by unknown facts",
    # DPIA
    "DpiaVerdict.criteria_met": "WP248 criteria the description meets",
    "DpiaVerdict.criteria_unknown": "WP248 criteria that unknown facts leave open",
    "DpiaVerdict.criteria_not_met": "WP248 criteria the description does not meet",
    # Findings
    "Finding.rule_id": "The rule",
    "Finding.ruleset_id": "The ruleset it belongs to",
    "Finding.aspect": "The aspect it counts under",
    "Finding.status": "finding, unknown, waived, pass or not_applicable",
    "Finding.title": "The rule's title",
    "Finding.message": "What is wrong, with the description's facts filled in",
    "Finding.remediation": "What to do about it",
    "Finding.references": "Laws, decisions and standards the rule rests on",
    "Finding.evidence": "The facts the rule looked at (findings and unknowns only)",
    "Finding.inherent": "Risk before mitigations",
    "Finding.residual": "Risk after the mitigations shown in place",
    "Finding.explanation": "How the level came about, step by step (findings and unknowns only)",
    "Finding.mitigations": "Mitigations in place that lowered the risk",
    "Finding.remedy": "How a finding is resolved: contract, configuration, procedure or none",
    "Finding.owner_role": "Who resolves it",
    "Finding.due": "By when",
    "Finding.waiver": "The accepted risk, when a waiver applies",
    "Evidence.fact": "Fact path, e.g. hosting.storage_countries",
    "Evidence.known": "Whether the description answers the fact",
    "ExplanationStep.kind": "What happened in this step (report.step.KIND names it)",
    "ExplanationStep.axis": "likelihood or consequence, where the step moves one",
    "ExplanationStep.before": "The value before the step",
    "ExplanationStep.after": "The value after the step",
    "ExplanationStep.ref": "A mitigation id, fact path, override reason or who accepted the risk",
    "ExplanationStep.value": "The fact value the step rests on",
    "AppliedMitigation.id": "Mitigation id within the rule",
    "AppliedMitigation.title": "What the mitigation is",
    "AppliedMitigation.lowers": "The axis it lowers",
    "AppliedMitigation.steps": "By how many steps",
    "RiskPoint.likelihood": "Position on the matrix's likelihood axis (1-based)",
    "RiskPoint.consequence": "Position on the matrix's consequence axis (1-based)",
    "RiskPoint.level": "The matrix's level id at that position",
    "WaiverApplied.justification": "Why the risk is accepted",
    "WaiverApplied.accepted_by": "Who accepted it",
    "WaiverApplied.accepted_by_role": "In which role",
    "WaiverApplied.accepted_on": "When",
    "WaiverApplied.expires": "Until when the acceptance holds",
    "WaiverApplied.risk_owner": "Who owns the risk",
    # The review per requirement of an external catalogue (review --catalogue)
    "CatalogueView.title": "The external catalogue's title",
    "CatalogueView.ids": "Ids of the catalogue (a framework library may hold several)",
    "CatalogueView.source": "The catalogue file",
    "CatalogueView.sha256": "SHA-256 of the catalogue file",
    "CatalogueView.mappings": "Mapping files that linked its requirements to rules",
    "CatalogueView.requirements": "Every assessable requirement with its result",
    "RequirementOutcome.ref_id": "The requirement's reference in the catalogue (e.g. AC-2)",
    "RequirementOutcome.name": "The requirement's name",
    "RequirementOutcome.section": "The section it belongs to",
    "RequirementOutcome.coverage": "How far the loaded rules cover it: covered, partly_covered, "
                                   "not_covered or out_of_scope",
    "RequirementOutcome.result": "What the rules found for it: not_met, unverified, met, "
                                 "partly_assessed, not_applicable, ...",
    "RequirementOutcome.rule_ids": "The rules that assess it (their findings are in findings)",
    # Provenance of an answer (the description's own model, carried on evidence)
    "Provenance.comment": "A note on the answer, as its author gave it",
    "PreviousAnswer.who": "Who gave the earlier answer",
    "PreviousAnswer.role": "In which role",
    "PreviousAnswer.when": "When it was given",
    "PreviousAnswer.source": "Where it was documented",
    "PreviousAnswer.comment": "A note on the earlier answer",
    # Questions, shared models
    "Question.fact": "The unknown fact",
    "Question.question": "The question to put to the vendor, in both languages",
    "Question.rule_ids": "The rules the answer decides",
    "Question.highest_level": "Highest inherent level among those rules",
    "Reference.kind": "law, regulation, decision, guidance, standard or case",
    "Reference.url": "Where to read it (https only)",
    "Text.sv": "Swedish",
    "Text.en": "English",
}


def describe(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the descriptions to a generated review schema, where a field has none of its own."""
    definitions = {"Review": schema, **schema.get("$defs", {})}
    for model, definition in definitions.items():
        for name, prop in definition.get("properties", {}).items():
            text = DESCRIPTIONS.get(f"{model}.{name}")
            if text is not None and "description" not in prop:
                prop["description"] = text
    return schema
