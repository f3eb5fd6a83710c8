"""The whole flow as library calls: load → evaluate → score → decide → Review.

Only :func:`load_inputs` touches files; :func:`build_review` is a pure function of its inputs, so
the same inputs always give the same review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secreview import __version__
from secreview.bundled import bundled_ruleset_files
from secreview.decision import decide, dpia_screening
from secreview.errors import InputError, did_you_mean
from secreview.evaluate import STATUSES, Evaluation, Outcome, check_extensions, evaluate
from secreview.facts import json_value
from secreview.i18n import Lang, Text, bilingual, fill_text
from secreview.loading import Document, load_document
from secreview.profile import (
    Profile,
    RuleOverride,
    load_profile,
    tailoring_entries,
    where_in_profile,
)
from secreview.questions import question_for
from secreview.review import (
    AppliedMitigation,
    AspectSummary,
    Evidence,
    ExplanationStep,
    Finding,
    LevelInfo,
    MatrixInfo,
    ProfileRef,
    Question,
    Review,
    RiskPoint,
    RulesetRef,
    Summary,
    SystemRef,
    Tailored,
    WaiverApplied,
)
from secreview.rules.loader import Catalog, build_catalog, parse_ruleset, ruleset_files
from secreview.scoring import Scored, compliance_percent, max_level, score
from secreview.system import SystemDescription
from secreview.validation import validate
from secreview.waivers import WaiverFile, load_waivers

CRITICAL_LEVEL_RANK = -1  # the matrix's top level is "critical" for waiver ownership


@dataclass
class Inputs:
    """Everything a review is computed from, loaded and validated."""

    system: SystemDescription
    system_doc: Document
    catalog: Catalog
    profile: Profile
    profile_sha256: str
    waivers: WaiverFile | None = None
    waivers_sha256: str | None = None
    tailoring: list[Tailored] = field(default_factory=list)
    profile_path: Path | None = None
    waivers_path: Path | None = None

    def source_files(self) -> list[Path]:
        """Every file the review was computed from: outputs must never be written over these."""
        files = [Path(self.system_doc.source), *(Path(r.source) for r in self.catalog.rulesets)]
        if self.profile_path is not None:
            files.append(self.profile_path)
            if self.profile.organisation.logo:
                files.append(self.profile_path.parent / self.profile.organisation.logo)
        if self.waivers_path is not None:
            files.append(self.waivers_path)
        return files


def load_system(path: str | Path, catalog: Catalog) -> tuple[SystemDescription, Document]:
    """A validated system description and its document (kept for positions and the SHA-256);
    its ``extensions:`` are checked against the facts the loaded rulesets declare."""
    doc = load_document(path)
    system = validate(SystemDescription, doc)
    check_extensions(system, doc, catalog)
    return system, doc


def profile_ruleset_files(profile: Profile, profile_path: Path) -> list[Path]:
    """The ruleset files a profile selects: bundled ones (all, none or by id), then its own."""
    tailoring = profile.tailoring
    bundled = bundled_ruleset_files()
    if tailoring.include_bundled is True:
        files = list(bundled)
    elif tailoring.include_bundled is False:
        files = []
    else:
        wanted = set(tailoring.include_bundled)
        parsed_ids = {parse_ruleset(f).id: f for f in bundled}
        unknown = wanted - set(parsed_ids)
        if unknown:
            name = sorted(unknown)[0]
            raise InputError.single(
                f"profile includes unknown bundled ruleset '{name}'",
                **where_in_profile(profile_path, ("tailoring", "include_bundled",
                                                  tailoring.include_bundled.index(name))),
                suggestion=did_you_mean(name, parsed_ids),
            )
        files = [f for i, f in parsed_ids.items() if i in wanted]
    return files + ruleset_files([profile_path.parent / p for p in tailoring.rulesets])


def tailored_catalog(profile: Profile, profile_path: Path,
                     rules: Sequence[str | Path] = ()) -> tuple[Catalog, list[Tailored]]:
    """Load the rulesets a profile selects (or ``rules`` when given) and apply its tailoring."""
    tailoring = profile.tailoring
    files = ruleset_files(rules) if rules else profile_ruleset_files(profile, profile_path)
    catalog = build_catalog([parse_ruleset(f) for f in files])
    applied: list[Tailored] = []
    known = {r.id for r in catalog.rules}
    skipped: set[str] = set()
    for section, index, entry in tailoring_entries(profile):
        if entry.rule in known:
            continue
        where = where_in_profile(profile_path, ("tailoring", section, index, "rule"))
        if rules:  # explicit rulesets replace the profile's selection: say what cannot apply
            skipped.add(entry.rule)
            applied.append(Tailored(rule_id=entry.rule, change="not_applied",
                                    reason="the rule is not loaded"))
            continue
        raise InputError.single(f"profile tailors unknown rule '{entry.rule}'", **where,
                                suggestion=did_you_mean(entry.rule, known))
    disabled = {d.rule: d.reason for d in tailoring.disable if d.rule not in skipped}
    if disabled:
        catalog.rules = [r for r in catalog.rules if r.id not in disabled]
        applied += [Tailored(rule_id=k, change="disabled", reason=v)
                    for k, v in sorted(disabled.items())]
    applied += [Tailored(rule_id=o.rule, change="override", reason=o.reason,
                         consequence=o.consequence, likelihood=o.likelihood)
                for o in sorted(tailoring.override, key=lambda o: o.rule) if o.rule not in skipped]
    return catalog, applied


def load_inputs(system_path: str | Path, rules: Sequence[str | Path] = (),
                profile_path: str | Path | None = None,
                waivers_path: str | Path | None = None) -> Inputs:
    """Read and validate every input once, profile first: the profile decides which rulesets
    load, and the rulesets decide which extension facts the system description may answer."""
    profile, profile_sha, resolved = load_profile(profile_path)
    catalog, tailoring = tailored_catalog(profile, resolved, rules)
    system, doc = load_system(system_path, catalog)
    waivers, waivers_sha = load_waivers(waivers_path) if waivers_path else (None, None)
    return Inputs(system, doc, catalog, profile, profile_sha, waivers, waivers_sha, tailoring,
                  profile_path=resolved,
                  waivers_path=Path(waivers_path) if waivers_path else None)


def _evidence(outcome: Outcome) -> list[Evidence]:
    return [Evidence(fact=path, value=json_value(value), known=value is not None)
            for path, value in outcome.evidence]


def _finding(outcome: Outcome, scored: Scored | None, facts: Mapping[str, Any]) -> Finding:
    rule = outcome.rule.rule
    by_id = {m.mitigation.id: m.mitigation for m in outcome.rule.mitigations}
    return Finding(
        rule_id=rule.id,
        ruleset_id=outcome.rule.ruleset_id,
        aspect=outcome.rule.aspect,
        status=outcome.status,
        screening=rule.dpia_criterion,
        title=rule.title,
        message=fill_text(rule.message, facts),
        remediation=fill_text(rule.remediation, facts),
        references=list(rule.references),
        evidence=_evidence(outcome),
        inherent=RiskPoint(**scored.inherent.__dict__) if scored else None,
        residual=RiskPoint(**scored.residual.__dict__) if scored else None,
        explanation=[ExplanationStep(**step.__dict__) for step in scored.steps] if scored else [],
        mitigations=[
            AppliedMitigation(id=m, title=by_id[m].title, lowers=by_id[m].lowers,
                              steps=by_id[m].steps)
            for m in outcome.mitigations_in_effect
        ] if outcome.status == "finding" else [],
        remedy=rule.remedy,
        owner_role=rule.owner_role,
        due=rule.due,
        open_questions=list(outcome.unknown_facts) if outcome.status == "unknown" else [],
    )


def _apply_waivers(findings: list[Finding], waivers: WaiverFile | None, profile: Profile,
                   review_date: dt.date, warnings: list[Text]) -> list[Finding]:
    if waivers is None:
        return findings
    by_rule = {w.rule: w for w in waivers.waivers}
    known = {f.rule_id for f in findings}
    for rule_id in sorted(set(by_rule) - known):
        warnings.append(bilingual("warning.waiver_unknown_rule", rule=rule_id))
    top = profile.matrix.levels[CRITICAL_LEVEL_RANK].id
    result: list[Finding] = []
    for finding in findings:
        waiver = by_rule.get(finding.rule_id)
        if waiver is None or finding.status not in ("finding", "unknown"):
            if waiver is not None:
                warnings.append(bilingual("warning.waiver_not_needed", rule=finding.rule_id))
            result.append(finding)
            continue
        if waiver.expires < review_date:
            warnings.append(bilingual("warning.waiver_expired", rule=finding.rule_id,
                                      date=waiver.expires.isoformat()))
            result.append(finding)
            continue
        if finding.residual and finding.residual.level == top and waiver.risk_owner is None:
            warnings.append(bilingual("warning.waiver_needs_risk_owner", rule=finding.rule_id))
            result.append(finding)
            continue
        applied = WaiverApplied(
            justification=waiver.justification, accepted_by=waiver.accepted_by.name,
            accepted_by_role=waiver.accepted_by.role, accepted_on=waiver.accepted_on,
            expires=waiver.expires,
            risk_owner=waiver.risk_owner.name if waiver.risk_owner else None,
        )
        explanation = [*finding.explanation, ExplanationStep(kind="waiver",
                                                             ref=waiver.accepted_by.name)]
        result.append(finding.model_copy(update={"status": "waived", "waiver": applied,
                                                 "explanation": explanation}))
    return result


def _aspects(findings: list[Finding], catalog: Catalog, profile: Profile) -> list[AspectSummary]:
    matrix = profile.matrix
    weights = matrix.weights()
    order = list(catalog.aspects)
    present = sorted({f.aspect for f in findings}, key=order.index)
    summaries = []
    for aspect in present:
        mine = [f for f in findings if f.aspect == aspect and f.screening is None]
        open_ = [f for f in mine if f.counts_as_risk and f.residual]
        counts = {level.id: 0 for level in matrix.levels}
        for f in open_:
            counts[f.residual.level] += 1  # type: ignore[union-attr]
        statuses = {s: sum(1 for f in mine if f.status == s) for s in STATUSES}
        summaries.append(AspectSummary(
            id=aspect, title=catalog.aspects[aspect],
            level=max_level((f.residual.level for f in open_), matrix),  # type: ignore[union-attr]
            counts=counts, statuses=statuses, unknown=statuses["unknown"],
            compliance_percent=_compliance(mine, weights),
        ))
    return summaries


def _compliance(findings: list[Finding], weights: Mapping[str, float]) -> float | None:
    """Weighted share of passed rules, each weighted by its inherent level (information only)."""
    total = passed = 0.0
    for finding in findings:
        if finding.inherent is None:
            continue
        weight = weights[finding.inherent.level]
        total += weight
        if finding.status == "pass":
            passed += weight
    return compliance_percent(passed, total)


def _questions(findings: list[Finding], catalog: Catalog, profile: Profile) -> list[Question]:
    """Unknown facts that decide a rule, ranked by the risk they may hide.

    A fact ranks by the highest inherent level among the rules it leaves unverified, then by the
    summed level weights of those rules (two high risks hide more than one), then by their number.
    Derived facts (``derived.dpia_required``) are not asked: the screening facts behind them are,
    on behalf of the rules that depend on the derived fact.
    """
    matrix = profile.matrix
    screening_unknown = sorted({fact for f in findings if f.screening and f.status == "unknown"
                                for fact in f.open_questions})
    asked: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.status != "unknown":
            continue
        for fact in finding.open_questions:
            facts = screening_unknown if fact.startswith("derived.") else [fact]
            for asked_fact in facts:
                by = asked.setdefault(asked_fact, [])
                if finding not in by:
                    by.append(finding)
    weights = matrix.weights()
    questions = []
    hidden: dict[str, float] = {}
    for fact, by in asked.items():
        levels = [f.inherent.level for f in by if f.inherent]
        hidden[fact] = sum(weights[level] for level in levels)
        questions.append(Question(
            fact=fact, question=question_for(fact, catalog),
            rule_ids=sorted(f.rule_id for f in by), highest_level=max_level(levels, matrix),
        ))
    questions.sort(key=lambda q: (-(matrix.rank(q.highest_level) if q.highest_level else -1),
                                  -hidden[q.fact], -len(q.rule_ids), q.fact))
    return questions


def _finding_order(catalog: Catalog, profile: Profile) -> Callable[[Finding], tuple[Any, ...]]:
    """Sort key for findings: status, then worst residual level first, then aspect and id."""
    status_order = {s: i for i, s in enumerate(STATUSES)}
    level_rank = {level.id: i for i, level in enumerate(profile.matrix.levels)}
    aspect_order = {a: i for i, a in enumerate(catalog.aspects)}

    def key(finding: Finding) -> tuple[Any, ...]:
        rank = level_rank[finding.residual.level] if finding.residual else -1
        return (status_order[finding.status], -rank, aspect_order[finding.aspect],
                finding.rule_id)
    return key


def build_review(inputs: Inputs, review_date: dt.date | None = None,
                 language: Lang | None = None) -> Review:
    """Evaluate, score and decide: one pure step from loaded inputs to a :class:`Review`."""
    system, catalog, profile = inputs.system, inputs.catalog, inputs.profile
    date = review_date or system.review.date or dt.date.today()
    evaluation: Evaluation = evaluate(system, catalog)
    facts = evaluation.facts
    overrides: dict[str, RuleOverride] = {o.rule: o for o in profile.tailoring.override}
    scored = {s.outcome.rule.id: s for s in score(evaluation.outcomes, profile.matrix, facts,
                                                  overrides)}
    warnings = [bilingual("warning.tailoring_not_applied", rule=t.rule_id)
                for t in inputs.tailoring if t.change == "not_applied"]
    warnings += [bilingual("warning.ruleset", message=p.format()) for p in catalog.warnings]
    findings = [_finding(o, scored.get(o.rule.id), facts) for o in evaluation.outcomes]
    findings = _apply_waivers(findings, inputs.waivers, profile, date, warnings)
    findings.sort(key=_finding_order(catalog, profile))
    aspects = _aspects(findings, catalog, profile)
    matrix = profile.matrix
    risk = [f for f in findings if f.screening is None]
    open_levels = [f.residual.level for f in risk if f.counts_as_risk and f.residual]
    weights = matrix.weights()
    summary = Summary(
        statuses={s: sum(1 for f in risk if f.status == s) for s in STATUSES},
        aspects={a.id: a.statuses for a in aspects},
        levels={lv.id: sum(1 for x in open_levels if x == lv.id) for lv in matrix.levels},
        overall_level=max_level(open_levels, matrix),
        compliance_percent=_compliance(risk, weights),
    )
    interval = profile.review_interval_months
    next_review = system.review.next_review or _add_months(date, interval)
    ident = system.system
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
                           matrix=matrix.id),
        waivers_sha256=inputs.waivers_sha256,
        tailoring=inputs.tailoring,
        matrix=MatrixInfo(
            id=matrix.id, title=matrix.title,
            likelihood=[s.label for s in matrix.likelihood],
            consequence=[s.label for s in matrix.consequence],
            levels=[LevelInfo(id=lv.id, label=lv.label, colour=lv.colour)
                    for lv in matrix.levels],
            grid=[list(row) for row in matrix.grid],
        ),
        decision=decide(findings, profile.decision, matrix),
        summary=summary,
        aspects=aspects,
        dpia=dpia_screening(evaluation.outcomes, facts),
        findings=findings,
        questions=_questions(findings, catalog, profile),
        warnings=warnings,
        description=json_value(system.model_dump(mode="python", exclude_none=True,
                                                exclude_defaults=True, by_alias=True)),
    )


def _add_months(date: dt.date, months: int) -> dt.date:
    """``date`` plus whole months; a day the target month lacks (31 Jan + 1) becomes its last."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:
        raise InputError.single(
            f"the next review, {months} months after {date.isoformat()}, would fall after the "
            f"year {dt.MAXYEAR}", expected="a review date at least a review interval before "
            "the year 10000", suggestion="give the real review date (--date or review.date), "
            "or set review.next_review in the description")
    for day in (date.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def review_file(system_path: str | Path, rules: Sequence[str | Path] = (),
                profile_path: str | Path | None = None, waivers_path: str | Path | None = None,
                review_date: dt.date | None = None, language: Lang | None = None) -> Review:
    """Load, evaluate, score and decide in one call: the library's front door."""
    inputs = load_inputs(system_path, rules, profile_path, waivers_path)
    return build_review(inputs, review_date, language)


