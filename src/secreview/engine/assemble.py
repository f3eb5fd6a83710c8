"""The last stage: outcomes, scores, waivers, decision and summaries assembled into a Review.

:func:`build_review` is a pure function of its inputs, so the same inputs always give the same
review; only :mod:`secreview.inputs` touches files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from secreview import __version__
from secreview.dates import add_months
from secreview.engine.ceiling import find_ceiling, with_ceiling
from secreview.engine.decide import decide
from secreview.engine.deciding import Situation, deciding_facts
from secreview.engine.dpia import dpia_screening
from secreview.engine.evaluate import Evaluation, RuleOutcome, evaluate
from secreview.engine.items import quoted_facts, unknown_item_facts
from secreview.engine.memo import RuleMemo
from secreview.engine.questions import rank_questions
from secreview.engine.risk_ids import number_risks
from secreview.engine.scoring import MatrixCell, Scored, Step, score
from secreview.engine.summarise import aspect_summaries, overall_summary
from secreview.engine.verify import vendor_word_conditions, with_verification
from secreview.engine.waive import apply_waivers
from secreview.errors import InputError
from secreview.facts import json_value
from secreview.i18n import (
    PLACEHOLDER,
    FactWords,
    Labels,
    Lang,
    Text,
    Words,
    bilingual,
    fill_text,
    label,
)
from secreview.inputs import Inputs
from secreview.profile import Profile, RuleOverride
from secreview.review import (
    AppliedMitigation,
    Assumption,
    Decision,
    Evidence,
    ExplanationStep,
    Finding,
    LevelInfo,
    MatrixInfo,
    ProfileRef,
    Question,
    Review,
    RiskPoint,
    RuleScaleInfo,
    RulesetRef,
    SystemRef,
)
from secreview.rules.loader import Catalog, CompiledRule
from secreview.rules.regex_safety import match_budget
from secreview.system import Provenance
from secreview.vocabulary import FINDING_STATUSES, OPEN_STATUSES


class _Parts:
    """The frozen parts that repeat across one review's findings (a matrix cell, a step such as
    "the rule's defaults: 3, 2"), each built once: they were half of the pydantic objects a
    review built, and being immutable they can be shared."""

    def __init__(self, provenance: Mapping[str, Provenance]) -> None:
        self._provenance = provenance
        self._points: dict[tuple[int, int, str, str], RiskPoint] = {}
        self._steps: dict[tuple[Any, ...], ExplanationStep] = {}
        self._evidence: dict[str, Evidence] = {}

    def evidence(self, outcome: RuleOutcome) -> list[Evidence]:
        """The facts a rule looked at. A fact has one value per review, and many rules read
        the same facts (``personal_data.processed``), so each fact's evidence is built once."""
        shared = self._evidence
        found = []
        for path, value in outcome.evidence:
            item = shared.get(path)
            if item is None:
                item = shared[path] = Evidence(fact=path, value=json_value(value),
                                               known=value is not None,
                                               provenance=self._provenance.get(path))
            found.append(item)
        return found

    def point(self, cell: MatrixCell) -> RiskPoint:
        key = (cell.likelihood, cell.consequence, cell.level, cell.basis)
        found = self._points.get(key)
        if found is None:
            found = self._points[key] = RiskPoint(likelihood=cell.likelihood,
                                                  consequence=cell.consequence, level=cell.level,
                                                  basis=cell.basis)
        return found

    def step(self, step: Step, label: Text | None = None) -> ExplanationStep:
        """A step, with ``label`` naming what its ``ref`` is (a mitigation's title): mitigation
        ids are the rule's own, so two rules' ``keys`` are different measures."""
        key = (step.kind, step.axis, step.before, step.after, step.ref, step.value, step.reason,
               label)
        try:
            found = self._steps.get(key)
        except TypeError:  # a list value: not hashable, not shared
            return ExplanationStep(**step.__dict__, label=label)
        if found is None:
            found = self._steps[key] = ExplanationStep(**step.__dict__, label=label)
        return found


def _message(outcome: RuleOutcome, quoted: Mapping[str, Any],
             labels: Labels) -> Text:
    """What the finding says: the rule's message, or while facts are missing its
    ``message_unknown``, or else the message introduced as something to verify, never as a
    proven problem."""
    rule = outcome.rule.rule
    if outcome.status != "unknown":
        return fill_text(rule.message, quoted, labels)
    if rule.message_unknown is not None:
        return fill_text(rule.message_unknown, quoted, labels)
    message = fill_text(rule.message, quoted, labels)
    return Text(sv=label("finding.unverified_intro", "sv", message=message.sv),
                en=label("finding.unverified_intro", "en", message=message.en))


def _remembered_finding(outcome: RuleOutcome, scored: Scored | None, facts: Mapping[str, Any],
                        parts: _Parts, labels: Labels, memo: RuleMemo | None) -> Finding:
    """:func:`_finding`, from ``memo`` when the rule had the same facts before: a finding is
    immutable and follows from the facts the rule reads and those its texts quote."""
    if memo is None:
        return _finding(outcome, scored, facts, parts, labels)
    compiled = outcome.rule
    return memo.get_or_compute("finding", compiled.id, memo.paths(compiled, _quoted_paths),
                               facts, partial(_finding, outcome, scored, facts, parts, labels),
                               compiled.reads_date)


def _quoted_paths(compiled: CompiledRule) -> tuple[str, ...]:
    """Every fact a finding of the rule can show: what the rule reads, and what the
    placeholders of its texts quote, with each enclosing path (``integrations`` for
    ``{integrations.counterpart}``: a list of items is quoted through its parent)."""
    rule = compiled.rule
    paths = set(compiled.facts_used)
    for text in (rule.message, rule.message_unknown, rule.remediation):
        if text is None:
            continue
        for template in (text.sv, text.en):
            for placeholder in PLACEHOLDER.findall(template):
                parts = placeholder.split(".")
                paths.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    return tuple(sorted(paths))


def _finding(outcome: RuleOutcome, scored: Scored | None, facts: Mapping[str, Any],
             parts: _Parts, labels: Labels) -> Finding:
    """One rule's finding. Evidence and the explanation trail are kept for open findings and
    unknowns only: a pass or a rule that does not apply explains nothing to a reader, and
    building them for every rule was a third of a portfolio review's time."""
    rule = outcome.rule.rule
    is_open = outcome.status in OPEN_STATUSES
    by_id = {m.mitigation.id: m.mitigation for m in outcome.rule.mitigations}
    quoted = quoted_facts(outcome.rule, outcome.status, facts)
    return Finding(
        rule_id=rule.id,
        ruleset_id=outcome.rule.ruleset_id,
        aspect=outcome.rule.aspect,
        status=outcome.status,
        screening=rule.dpia_criterion,
        title=rule.title,
        message=_message(outcome, quoted, labels),
        remediation=fill_text(rule.remediation, quoted, labels),
        references=list(rule.references),
        evidence=parts.evidence(outcome) if is_open else [],
        inherent=parts.point(scored.inherent) if scored else None,
        residual=parts.point(scored.residual) if scored else None,
        confirmed=parts.point(scored.confirmed) if scored and scored.confirmed else None,
        assumptions=[Assumption(fact=a.fact, assumed=json_value(a.assumed), effect=a.effect,
                                ref=a.ref, comparison=a.comparison)
                     for a in scored.assumptions] if scored else [],
        explanation=[parts.step(step, by_id[step.ref].title
                                if step.ref in by_id and step.kind.startswith("mitigation")
                                else None)
                     for step in scored.steps] if scored and is_open else [],
        mitigations=[
            AppliedMitigation(id=m, title=by_id[m].title, lowers=by_id[m].lowers,
                              steps=by_id[m].steps)
            for m in outcome.mitigations_in_effect
        ] if outcome.status == "finding" else [],
        remedy=rule.remedy,
        owner_role=rule.owner_role,
        due=rule.due,
        open_questions=[*outcome.unknown_facts, *unknown_item_facts(outcome.rule, facts)]
        if outcome.status == "unknown" else [],
    )


def _finding_order(catalog: Catalog, profile: Profile) -> Callable[[Finding], tuple[Any, ...]]:
    """Sort key for findings: status, then worst residual level first, then aspect and id."""
    status_order = {s: i for i, s in enumerate(FINDING_STATUSES)}
    level_rank = {level.id: i for i, level in enumerate(profile.matrix.levels)}
    aspect_order = {a: i for i, a in enumerate(catalog.aspects)}

    def key(finding: Finding) -> tuple[Any, ...]:
        rank = level_rank[finding.residual.level] if finding.residual else -1
        return (status_order[finding.status], -rank, aspect_order[finding.aspect],
                finding.rule_id)
    return key


def build_review(inputs: Inputs, review_date: dt.date, language: Lang | None = None) -> Review:
    """Evaluate, score and decide: one pure step from loaded inputs to a :class:`Review`.

    The date is a parameter, never "today": waivers expire and the next review is counted from
    it, so the same inputs and date always give the same review (``Reviewer.review`` picks it).
    """
    system, catalog, profile = inputs.system, inputs.catalog, inputs.profile
    date = review_date
    evaluation: Evaluation = evaluate(system, catalog, date)
    facts = evaluation.facts
    overrides: dict[str, RuleOverride] = {o.rule: o for o in profile.tailoring.override}
    memo = inputs.memo if inputs.memo is not None and inputs.memo.serves(catalog, profile) \
        else None
    scored = {s.outcome.rule.id: s for s in score(evaluation.outcomes, profile.matrix, facts,
                                                  overrides, catalog.facts, memo)}
    warnings = [bilingual("warning.tailoring_not_applied", rule=t.rule_id)
                for t in inputs.tailoring if t.change == "not_applied"]
    warnings += [bilingual("warning.ruleset", message=p.format()) for p in catalog.warnings]
    labels = catalog.value_labels()
    parts = _Parts(system.provenance)
    # Who answered a fact goes into the evidence: with provenance, findings are built afresh.
    finding_memo = memo if not system.provenance else None
    with match_budget():  # naming the items that fail evaluates their 'where' once more
        findings = [_remembered_finding(o, scored.get(o.rule.id), facts, parts, labels,
                                        finding_memo)
                    for o in evaluation.outcomes]
    findings = apply_waivers(findings, inputs.waivers, profile, date, warnings)
    findings.sort(key=_finding_order(catalog, profile))
    findings = number_risks(findings, profile.matrix)
    aspects = aspect_summaries(findings, catalog, profile)
    summary = overall_summary(findings, aspects, profile)
    matrix = profile.matrix
    decision = decide(findings, profile.decision, matrix, words=catalog.fact_words)
    deciding: list[str] = []
    if decision.outcome == "incomplete":
        # Hypothetical answers run the rules again: their regular expressions get a budget too.
        with match_budget():
            situation = Situation(catalog, evaluation, profile, inputs.waivers, date, findings,
                                  memo)
            search = deciding_facts(situation)
            ceiling_policy = profile.decision.classification_ceiling
            found = find_ceiling(situation, ceiling_policy) if ceiling_policy else None
        deciding = search.facts
        decision = decision.model_copy(update={"deciding_facts": search.facts,
                                               "deciding_facts_suffice": search.suffice})
        if found is not None and ceiling_policy is not None:
            decision = with_ceiling(decision, found, ceiling_policy, situation, findings)
    decision = with_verification(
        decision,
        vendor_word_conditions(evaluation, findings, system.provenance, profile, catalog),
        profile)
    questions = rank_questions(findings, catalog, profile, deciding, facts)
    interval = profile.review_interval_months
    next_review = system.review.next_review or _next_review(date, interval)
    ident = system.system
    description = json_value(system.model_dump(mode="python", exclude_none=True,
                                               exclude_defaults=True, by_alias=True))
    return Review(
        engine_version=__version__,
        review_date=date,
        reviewer=system.review.reviewer,
        next_review=next_review,
        language=language or profile.language,
        system=SystemRef(
            name=ident.name, sha256=inputs.system_doc.sha256, vendor=system.vendor.name,
            owner_board=ident.owner_board, system_owner=ident.system_owner,
            information_owner=ident.information_owner, management_object=ident.management_object,
            capability=ident.capability,
        ),
        rulesets=[RulesetRef(id=r.id, version=r.model.ruleset.version, sha256=r.sha256,
                             title=r.model.ruleset.title) for r in catalog.rulesets],
        profile=ProfileRef(id=profile.profile.id, version=profile.profile.version,
                           sha256=inputs.profile_sha256, organisation=profile.organisation.name,
                           matrix=matrix.id, extends=profile.extends),
        waivers_sha256=inputs.waivers_sha256,
        tailoring=inputs.tailoring,
        matrix=MatrixInfo(
            id=matrix.id, title=matrix.title,
            likelihood=[s.label for s in matrix.likelihood],
            consequence=[s.label for s in matrix.consequence],
            levels=[LevelInfo(id=lv.id, label=lv.label, colour=lv.colour)
                    for lv in matrix.levels],
            grid=[list(row) for row in matrix.grid],
            rule_scale=RuleScaleInfo(
                likelihood=[matrix.rule_scale.likelihood[step] for step in (1, 2, 3, 4)],
                consequence=[matrix.rule_scale.consequence[step] for step in (1, 2, 3, 4)]),
        ),
        decision=decision,
        summary=summary,
        aspects=aspects,
        dpia=dpia_screening(evaluation.outcomes, facts),
        findings=findings,
        questions=questions,
        signoff=profile.signoff,
        warnings=warnings,
        description=description,
        extension_facts=_mentioned(catalog.fact_words, findings, questions, decision,
                                   description),
    )


_FACT_STEPS = ("scaling", "scaling_unknown")
"""Explanation steps whose ``ref`` is a fact path (the fact the consequence follows)."""


def _mentioned(words: Words, findings: list[Finding], questions: list[Question],
               decision: Decision, description: Mapping[str, Any]) -> dict[str, FactWords]:
    """The words of the extension facts the review mentions (evidence, assumptions,
    explanation steps, questions, the decision, the answers of the description its annex
    shows), by path in sorted order: what a report needs to name them without the ruleset, and
    no more, so the JSON stays small."""
    if not words:
        return {}
    paths = {path for path in words if _answered(path, description)}
    paths.update(q.fact for q in questions)
    paths.update(decision.deciding_facts)
    paths.update(c.verify_fact for c in decision.conditions if c.verify_fact)
    for finding in findings:
        paths.update(e.fact for e in finding.evidence)
        paths.update(a.fact for a in finding.assumptions)
        paths.update(finding.open_questions)
        paths.update(step.ref for step in finding.explanation
                     if step.kind in _FACT_STEPS and step.ref)
    return {path: words[path] for path in sorted(paths) if path in words}


def _answered(path: str, description: Mapping[str, Any]) -> bool:
    """Does the description answer the extension fact ``path``: ``extensions.NAME`` at the top
    level, or ``LIST.extensions.NAME`` in any entry of a list?"""
    head, _sep, name = path.rpartition("extensions.")
    place: Any = description
    for key in head.rstrip(".").split(".") if head else ():
        place = place.get(key) if isinstance(place, Mapping) else None
    places = place if isinstance(place, list) else [place]
    return any(isinstance(p, Mapping) and isinstance(p.get("extensions"), Mapping)
               and p["extensions"].get(name) is not None for p in places)


def _next_review(date: dt.date, months: int) -> dt.date:
    """The review date plus the profile's interval, or a clear error when that passes the
    year 9999 (a review dated at the end of time)."""
    try:
        return add_months(date, months)
    except ValueError:
        raise InputError.single(
            f"the next review, {months} months after {date.isoformat()}, would fall after the "
            f"year {dt.MAXYEAR}", expected="a review date at least a review interval before "
            "the year 10000", suggestion="give the real review date (--date or review.date), "
            "or set review.next_review in the description") from None
