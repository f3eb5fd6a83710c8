"""The decision report's sections, in reading order: a short memo, the sign-off, the annexes.

A board signs a memo: the decision and why, the conditions by when they fall due, the accepted
risks, the risk map with ids, the questions still open; then the sign-off. Everything an officer
needs to check it (each risk's evidence and reasoning, the DPIA screening, the questions, every
requirement, the provenance) follows as annexes A–F.

Each section is one function from a :class:`Context` to a :class:`~.document.Section`
(or ``None`` when it has nothing to say). :data:`SECTIONS` is the one list every format follows;
adding a section is adding a function here, and the HTML, PDF, Markdown and text writers need
no change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from secreview.i18n import Lang, format_date, format_fact, has_label, label, plural, plurals
from secreview.report import view
from secreview.report.charts import ChartStyle, aspect_chart, map_description, map_levels, risk_map
from secreview.report.citations import cite
from secreview.report.common import criteria_text, dpia_verdict, level_label
from secreview.report.document import (
    Block,
    Box,
    Document,
    Facts,
    Figure,
    Format,
    Inline,
    Item,
    Items,
    Para,
    Section,
    SignatureLine,
    Signatures,
    Span,
    Subhead,
    Table,
    Tiles,
    spans,
)
from secreview.review import Finding, Question, Review
from secreview.vocabulary import DECISION_COLOURS

ANNEXES = {"annex_risks": "A", "annex_dpia": "B", "annex_questions": "C",
           "annex_requirements": "D", "annex_provenance": "E", "annex_description": "F",
           "annex_catalogue": "G"}
"""Each annex's letter, fixed so that the memo can say "see annex C" before the annex is built.
The one annex that only some reviews have (an external catalogue, ``review --catalogue``) comes
last, so the letters of the others never move."""
DECISION_OPTIONS = ("approve", "approve_with_conditions", "reject")
MEMO: frozenset[Format] = frozenset({"html", "md", "text"})
"""The memo's sections are in every format, the terminal summary included."""


@dataclass
class Context:
    """One review in one language, with what several sections look up."""

    review: Review
    lang: Lang
    style: ChartStyle

    def label(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    def plural(self, key: str, n: int, **values: object) -> str:
        return plural(key, n, self.lang, **values)

    def date(self, value: dt.date | None) -> str:
        return format_date(value, self.lang)

    @cached_property
    def rules(self) -> dict[str, Finding]:
        return view.by_rule(self.review)

    def level(self, level: str | None) -> Span:
        return Span(level_label(self.review, level, self.lang), "badge", level)

    def risk(self, finding: Finding) -> Inline:
        """``R3 [Hög] title``: how a risk is named wherever it is listed."""
        level = finding.residual.level if finding.residual else None
        return spans(Span(finding.risk_id or finding.rule_id, "id"), " ", self.level(level),
                     " ", finding.title.get(self.lang))

    def role(self, role: str) -> str:
        key = f"role.{role}"
        return self.label(key) if has_label(key) else role

    def annex(self, section_id: str) -> str:
        """"bilaga A" for a reference in running text."""
        return self.label("report.annex_ref", letter=ANNEXES[section_id])

    def title(self, section_id: str, key: str) -> str:
        """"Bilaga A. Riskdetaljer": an annex's heading and bookmark."""
        return self.label("report.annex_title", letter=ANNEXES[section_id],
                          title=self.label(key))


# --- header -------------------------------------------------------------------------------------

def identity(ctx: Context) -> Facts:
    """Who and what: the system's owners, the review's dates and the organisation."""
    r = ctx.review

    def name(value: str | None) -> Inline:
        return spans(Span(value, "name")) if value else spans("—")

    return Facts(style="identity", rows=(
        (ctx.label("label.vendor"), name(r.system.vendor)),
        (ctx.label("label.review_date"), spans(ctx.date(r.review_date))),
        (ctx.label("report.owner_board"), name(r.system.owner_board)),
        (ctx.label("report.reviewer"), name(r.reviewer)),
        (ctx.label("report.system_owner"), name(r.system.system_owner)),
        (ctx.label("report.next_review"), spans(ctx.date(r.next_review))),
        (ctx.label("report.information_owner"), name(r.system.information_owner)),
        (ctx.label("report.organisation"), name(r.profile.organisation)),
    ))


# --- the memo -----------------------------------------------------------------------------------

def decision(ctx: Context) -> Section:
    r = ctx.review
    outcome = r.decision.outcome
    reasons: list[Item] = []
    for reason in r.decision.reasons:
        named = [ctx.rules[rule] for rule in reason.rule_ids if rule in ctx.rules]
        detail: Inline = ()
        if named and outcome == "incomplete":
            shown = sorted(named, key=view.risk_number)[:6]
            pieces: list[Span | str] = []
            for f in shown:
                pieces += [*ctx.risk(f), "; "]
            detail = spans(*pieces[:-1])
            if len(named) > len(shown):
                detail += spans(" " + ctx.label("label.and_more", n=len(named) - len(shown)))
        reasons.append(Item(spans(reason.text.get(ctx.lang)), detail))
    box = Box(style="decision", colour=DECISION_COLOURS[outcome],
              kicker=ctx.label("heading.decision"), blocks=(
                  Para(spans(Span(ctx.label(f"decision.{outcome}"), "strong")), "outcome"),
                  Para(spans(view.decision_sentence(r, ctx.lang)), "lead"),
                  Subhead(spans(ctx.label("heading.reasons")), level=3),
                  Items(tuple(reasons), style="reasons"),
                  *_deciding(ctx),
              ))
    tiles = Tiles(tuple(
        [(count, level_label(r, level, ctx.lang), level) for level, count in view.level_counts(r)]
        + [(r.summary.statuses.get("waived", 0), ctx.label("report.waived_count"), None)]))
    note = ctx.label("report.counts_note", open=len(view.open_findings(r)),
                     unknown=ctx.plural("report.counts_note.unknown",
                                        r.summary.statuses.get("unknown", 0)),
                     overall=level_label(r, r.summary.overall_level, ctx.lang))
    if r.summary.compliance_percent is not None:
        note += " " + ctx.label("report.compliance_note",
                                percent=format_percent(r.summary.compliance_percent, ctx.lang))
    dpia = spans(Span(ctx.label("heading.dpia") + ":", "strong"), " ",
                 dpia_verdict(r, ctx.lang), " ",
                 Span(ctx.label("report.see_annex", annex=ctx.annex("annex_dpia")), "muted"))
    # Beside the box, not in it: the box is kept on one page and an incomplete review's box
    # already fills the first.
    return Section("decision", ctx.label("heading.decision"), "memo",
                   (box, *_worst_case(ctx), tiles, Para(spans(note), "muted"), Para(dpia)),
                   formats=MEMO)


def _worst_case(ctx: Context) -> tuple[Block, ...]:
    """The reader sees what an unknown answer risks, not only that one is missing."""
    statement = view.worst_case_statement(ctx.review, ctx.lang)
    if statement is None:
        return ()
    return (Para(spans(Span(ctx.label("report.worst_case") + ": ", "strong"), statement)),)


def _deciding(ctx: Context) -> tuple[Block, ...]:
    """For an incomplete review: the few answers that would decide it, first in the memo."""
    deciding = view.deciding_questions(ctx.review)
    if ctx.review.decision.outcome != "incomplete" or not deciding:
        return ()
    heading = ("report.questions_deciding" if ctx.review.decision.deciding_facts_suffice
               else "report.questions_first")
    return (Subhead(spans(ctx.label(heading)), level=3), _question_list(ctx, deciding))


def format_percent(value: float, lang: Lang) -> str:
    """``79,1 %`` in Swedish, ``79.1 %`` in English."""
    text = f"{value:g}"
    return (text.replace(".", ",") if lang == "sv" else text) + "\u00a0%"


def approvable(ctx: Context) -> Section | None:
    """For a rejection: what would have to change for the system to be approvable."""
    blockers = view.blocking(ctx.review)
    if not blockers:
        return None
    items = tuple(Item(ctx.risk(f), spans(view.approvable_text(f, ctx.lang))) for f in blockers)
    after = ctx.label("report.approvable.then") if view.condition_groups(ctx.review) else ""
    blocks: tuple[Block, ...] = (Items(items, style="conditions"),)
    if after:
        blocks += (Para(spans(after)),)
    return Section("approvable", ctx.label("report.heading.approvable"), "memo", blocks,
                   formats=MEMO,
                   intro=spans(ctx.label("report.approvable.intro")))


def conditions(ctx: Context) -> Section:
    r = ctx.review
    groups = view.condition_groups(r)
    blocks: list[Block] = []
    shown = 0
    total = sum(len(items) for _, items in groups)
    for due, items in groups:
        room = view.MAX_MEMO_CONDITIONS - shown
        if room <= 0:
            break
        entries = []
        for condition in items[:room]:
            finding = ctx.rules.get(condition.rule_id)
            head = spans(Span(finding.risk_id or "", "id") if finding else None,
                         " " if finding else None, ctx.level(condition.level), " ",
                         condition.remediation.get(ctx.lang))
            detail = spans(ctx.label("report.responsible", role=ctx.role(condition.owner_role)))
            if condition.status == "unknown":
                detail += spans(" · ", Span(ctx.label("report.condition_unverified"), "flag"))
            entries.append(Item(head, detail))
        blocks += [Subhead(spans(ctx.label(f"report.due_heading.{due}")), level=3),
                   Items(tuple(entries), style="conditions")]
        shown += len(entries)
    if shown < total:
        blocks.append(Para(spans(ctx.plural("report.more_conditions", total - shown,
                                            annex=ctx.annex("annex_risks"))), "muted"))
    provisional = view.provisional_conditions(r)
    if provisional:
        blocks.append(Para(spans(ctx.plural("report.provisional_conditions", len(provisional),
                                            annex=ctx.annex("annex_risks"))), "muted"))
    elif not groups:
        blocks.append(Para(spans(ctx.label("report.no_conditions"))))
    intro = spans(ctx.label("report.conditions_after_blocking")) if view.blocking(r) and groups \
        else ()
    return Section("conditions", ctx.label("heading.conditions"), "memo", tuple(blocks),
                   formats=MEMO,
                   intro=intro)


def accepted(ctx: Context) -> Section | None:
    rows = []
    for item in view.accepted_risks(ctx.review):
        waiver = item.finding.waiver
        assert waiver is not None  # accepted_risks lists waived findings only
        until = spans(ctx.date(item.expires))
        if item.expires_before_next_review:
            until += spans(" ", Span(ctx.label("report.expires_early"), "flag"))
        rows.append((ctx.risk(item.finding),
                     spans(Span(waiver.accepted_by, "name"), f" ({waiver.accepted_by_role})"),
                     spans(Span(waiver.risk_owner, "name")) if waiver.risk_owner else spans("—"),
                     until))
    if not rows:
        return None
    table = Table((ctx.label("report.risk"), ctx.label("report.accepted_by"),
                   ctx.label("report.risk_owner"), ctx.label("report.expires")),
                  tuple(rows), style="accepted")
    return Section("accepted", ctx.label("report.heading.accepted"), "memo", (table,),
                   formats=MEMO)


def risks(ctx: Context) -> Section:
    """The risk map with every risk's id, and what each id stands for."""
    r = ctx.review
    listed = view.numbered(r)
    shown = listed if len(listed) <= view.MAX_MEMO_RISKS + 3 else listed[:view.MAX_MEMO_RISKS]
    legend = [Item(spans(line)) for line in map_levels(r, ctx.lang)]
    blocks: list[Block] = [Figure(risk_map(r, ctx.lang, ctx.style),
                                  alt=map_description(r, ctx.lang),
                                  caption=ctx.label("report.map.caption",
                                                    matrix=r.matrix.title.get(ctx.lang)),
                                  text=tuple(legend))]
    if shown:
        blocks.append(Items(tuple(Item(spans(Span(f.risk_id or "", "id"), " ",
                                             f.title.get(ctx.lang)))
                                  for f in shown), style="legend"))
    if len(listed) > len(shown):
        rest = listed[len(shown):]
        blocks.append(Para(spans(ctx.label("report.more_risks", first=rest[0].risk_id or "",
                                           last=rest[-1].risk_id or "",
                                           annex=ctx.annex("annex_risks"))), "muted"))
    if not listed:
        blocks.append(Para(spans(ctx.label("report.no_risks"))))
    return Section("risks", ctx.label("report.heading.overview"), "memo", tuple(blocks))


def risk_summary(ctx: Context) -> Section | None:
    """The terminal's view of the risk map: each risk with what is wrong and who said so.

    A terminal cannot show the matrix; it lists the ids by level, then each risk with its
    message and the answers it rests on that someone other than the author gave.
    """
    r = ctx.review
    listed = view.numbered(r)
    if not listed:
        return None
    blocks: list[Block] = [Items(tuple(Item(spans(line)) for line in map_levels(r, ctx.lang)))]
    for finding in listed:
        head = ctx.risk(finding) + spans(" · ", view.status_note(finding, r, ctx.lang))
        blocks.append(Items((Item(head, spans(finding.message.get(ctx.lang))),)))
        sourced = [row for row in view.evidence_rows(finding, r, ctx.lang) if row.source]
        if sourced:
            blocks.append(Items(tuple(Item(spans(f"{row.question} {row.answer} ({row.source})"))
                                      for row in sourced), style="compact"))
    return Section("risk_summary", ctx.label("report.heading.overview"), "memo", tuple(blocks),
                   formats=frozenset({"text"}))


def questions_summary(ctx: Context) -> Section | None:
    r = ctx.review
    if not r.questions:
        return None
    unverified = r.summary.statuses.get("unknown", 0)
    text = ctx.plural("report.questions_summary", len(r.questions),
                      rules=ctx.plural("report.unverified_requirements", unverified),
                      annex=ctx.annex("annex_questions"))
    by_whom: dict[str, int] = {}
    for question in r.questions:
        who = view.addressee(question)
        by_whom[who] = by_whom.get(who, 0) + 1
    blocks: list[Block] = [Para(spans(text)),
                           Items(tuple(Item(spans(ctx.plural(
                               "report.questions_for", n, who=view.addressee_name(who, ctx.lang))))
                               for who, n in by_whom.items()), style="compact")]
    if r.decision.outcome == "incomplete" and not view.deciding_questions(r):
        blocks.append(Subhead(spans(ctx.label("report.questions_first")), level=3))
        blocks.append(_question_list(ctx, r.questions[:5]))
    return Section("questions", ctx.label("report.heading.questions"), "memo", tuple(blocks),
                   formats=MEMO)


def _question_list(ctx: Context, questions: list[Question]) -> Items:
    """Questions as a numbered list, each with who answers it."""
    return Items(tuple(
        Item(spans(q.question.get(ctx.lang), " ",
                   Span(f"({view.addressee_name(view.addressee(q), ctx.lang)})", "muted")))
        for q in questions), ordered=True)


def warnings(ctx: Context) -> Section | None:
    """What the review could not apply (an expired waiver, tailoring of an unknown rule)."""
    if not ctx.review.warnings:
        return None
    items = tuple(Item(spans(w.get(ctx.lang))) for w in ctx.review.warnings)
    return Section("warnings", ctx.label("heading.warnings"), "memo", (Items(items),),
                   formats=MEMO)


# --- sign-off -----------------------------------------------------------------------------------

def signoff(ctx: Context) -> Section:
    r = ctx.review
    names = {"system_owner": r.system.system_owner,
             "information_owner": r.system.information_owner}
    maker = r.signoff.decision_maker
    lines = [SignatureLine(role=maker.get(ctx.lang) if maker
                           else ctx.label("report.sign.decision_maker"))]
    lines += [SignatureLine(role=ctx.role(entry.role), name=names.get(entry.role) or "",
                            note=entry.note.get(ctx.lang) if entry.note else "")
              for entry in r.signoff.roles]
    signatures = Signatures(
        options=tuple(ctx.label(f"decision.{o}") for o in DECISION_OPTIONS),
        lines=tuple(lines),
        labels=(ctx.label("report.sign.name"), ctx.label("report.sign.signer"),
                ctx.label("report.sign.date"), ctx.label("report.sign.signature")))
    intro = spans(ctx.label("report.signoff_intro",
                            decision=ctx.label(f"decision.{r.decision.outcome}")))
    return Section("signoff", ctx.label("report.heading.signoff"), "signoff",
                   (signatures, Para(spans(ctx.label("report.signoff_note")), "muted")),
                   formats=frozenset({"html", "md"}), intro=intro)


# --- annexes ------------------------------------------------------------------------------------

def _evidence(ctx: Context, finding: Finding) -> Table:
    rows = tuple((spans(row.question),
                  spans(Span(row.answer, "name" if row.known else "flag"),
                        Span(f" ({row.source})", "muted") if row.source else None))
                 for row in view.evidence_rows(finding, ctx.review, ctx.lang))
    return Table((ctx.label("report.question"), ctx.label("report.answer")), rows,
                 style="evidence")


def _risk_detail(ctx: Context, finding: Finding) -> Box:
    r, lang = ctx.review, ctx.lang
    aspects = {a.id: a.title.get(lang) for a in r.aspects}
    level = finding.residual.level if finding.residual else None
    head = spans(Span(finding.risk_id or "", "id"), " ", ctx.level(level), " ",
                 finding.title.get(lang))
    meta = spans(aspects.get(finding.aspect, finding.aspect), " · ",
                 ctx.label("status." + finding.status), " · ",
                 Span(view.status_note(finding, r, lang), "strong"))
    blocks: list[Block] = [Subhead(head, level=4, bookmark=True, style="risk-title"),
                           Para(meta, "meta"),
                           Para(spans(finding.message.get(lang)))]
    if finding.evidence:
        blocks.append(_evidence(ctx, finding))
    steps = view.explanation(finding, r, lang)
    if steps:
        inherent = finding.inherent.level if finding.inherent else None
        blocks.append(Para(spans(Span(ctx.label("report.how_assessed"), "strong"), " ",
                                 ctx.label("report.inherent_residual",
                                           inherent=level_label(r, inherent, lang).lower(),
                                           residual=level_label(r, level, lang).lower())),
                           "label"))
        blocks.append(Items(tuple(Item(spans(s)) for s in steps), ordered=True, style="steps"))
    if finding.status == "unknown" and finding.open_questions:
        questions = tuple(Item(spans(view.question_text(f, r, lang)))
                          for f in finding.open_questions)
        blocks += [Para(spans(Span(ctx.label("report.deciding_questions"), "strong")), "label"),
                   Items(questions, style="compact")]
    blocks.append(Para(spans(Span(ctx.label("label.remediation") + ":", "strong"), " ",
                             finding.remediation.get(lang), " ",
                             Span(f"({ctx.role(finding.owner_role)}, "
                                  f"{ctx.label('due.' + finding.due).lower()})", "muted"))))
    if finding.waiver is not None:
        waiver = finding.waiver
        blocks.append(Facts(rows=(
            (ctx.label("report.justification"), spans(waiver.justification)),
            (ctx.label("report.accepted_by"), spans(Span(waiver.accepted_by, "name"),
                                                    f" ({waiver.accepted_by_role}), ",
                                                    ctx.date(waiver.accepted_on))),
            (ctx.label("report.expires"), spans(ctx.date(waiver.expires))),
        ), style="waiver"))
    if finding.references:
        refs = "; ".join(cite(ref, lang) for ref in finding.references)
        blocks.append(Para(spans(Span(ctx.label("label.references") + ":", "strong"), " ",
                                 refs), "references"))
    return Box(tuple(blocks), style="risk")


def annex_risks(ctx: Context) -> Section:
    r = ctx.review
    title = ctx.title("annex_risks", "report.heading.risk_details")
    actions = view.action_plan(r)
    blocks: list[Block] = [Subhead(spans(ctx.label("report.heading.action_plan")), level=3,
                                   bookmark=True)]
    if actions:
        rows = tuple((spans(Span(a.finding.risk_id or "", "id")),
                      spans(Span(ctx.label("report.condition"), "strong") if a.is_condition
                            else None, ": " if a.is_condition else None,
                            a.finding.remediation.get(ctx.lang)),
                      spans(ctx.role(a.finding.owner_role)),
                      spans(ctx.label("due." + a.due)),
                      spans(ctx.level(a.finding.residual.level if a.finding.residual else None)))
                     for a in actions)
        blocks.append(Table((ctx.label("report.risk"), ctx.label("report.action"),
                             ctx.label("report.owner_role"), ctx.label("report.due"),
                             ctx.label("label.level")), rows, style="actions"))
    else:
        blocks.append(Para(spans(ctx.label("report.no_actions"))))
    listed = view.numbered(r)
    if listed:
        blocks.append(Subhead(spans(ctx.label("report.heading.each_risk")), level=3,
                              bookmark=True))
        blocks += [_risk_detail(ctx, f) for f in listed]
    return Section("annex_risks", title, "annex", tuple(blocks), new_page=True,
                   formats=frozenset({"html", "md"}))


def annex_dpia(ctx: Context) -> Section:
    r, lang = ctx.review, ctx.lang
    title = ctx.title("annex_dpia", "report.heading.dpia_classification")
    d = r.dpia
    consult = {True: "true", False: "false"}.get(d.prior_consultation,  # type: ignore[arg-type]
                                                 "none")
    blocks: list[Block] = [
        Subhead(spans(ctx.label("heading.dpia")), level=3),
        Para(spans(dpia_verdict(r, lang)), "callout"),
        Facts(rows=(
            (ctx.label("dpia.met"), spans(criteria_text(d.criteria_met, lang)
                                          or ctx.label("label.none"))),
            (ctx.label("dpia.unknown"), spans(criteria_text(d.criteria_unknown, lang)
                                              or ctx.label("label.none"))),
            *([(ctx.label("dpia.not_screened"),
                spans(criteria_text(d.criteria_not_screened, lang)))]
              if d.screened and d.criteria_not_screened else []),
            (ctx.label("report.dpia_status"),
             spans(format_fact("personal_data.dpia.status", d.status, lang))),
            (ctx.label("report.prior_consultation"),
             spans(ctx.label(f"report.prior_consultation.{consult}"))),
        )),
        Subhead(spans(ctx.label("report.heading.classification")), level=3),
    ]
    cl = view.classification(r)
    if cl:
        cells = tuple(spans(ctx.label("report.class_level", n=cl[axis])) if cl.get(axis)
                      is not None else spans(Span(ctx.label("report.unknown_answer"), "flag"))
                      for axis in view.CLASSIFICATION_AXES)
        blocks.append(Table(tuple(ctx.label(f"report.class.{a}")
                                  for a in view.CLASSIFICATION_AXES), (cells,),
                            style="classification"))
        method = format_fact("classification.method", cl.get("method"), lang) \
            if cl.get("method") else ""
        secrecy = format_fact("classification.osl_secrecy", cl.get("osl_secrecy"), lang)
        provisions = format_fact("classification.osl_provisions", cl.get("osl_provisions"), lang) \
            if cl.get("osl_provisions") else ""
        blocks.append(Facts(rows=(
            (ctx.label("report.class.done"),
             spans(format_fact("classification.done", cl.get("done"), lang),
                   f" ({method})" if method else None)),
            (ctx.label("report.class.osl_secrecy"),
             spans(secrecy, f": {provisions}" if provisions else None)),
            (ctx.label("report.class.security_protection"),
             spans(format_fact("classification.security_protection",
                               cl.get("security_protection"), lang))),
        )))
    else:
        blocks.append(Para(spans(ctx.label("report.no_classification")), "callout"))
    return Section("annex_dpia", title, "annex", tuple(blocks))


def annex_questions(ctx: Context) -> Section:
    r, lang = ctx.review, ctx.lang
    title = ctx.title("annex_questions", "report.heading.questions")
    if not r.questions:
        return Section("annex_questions", title, "annex",
                       (Para(spans(ctx.label("report.no_questions"))),))
    groups: dict[str, list[Item]] = {}
    for number, question in enumerate(r.questions, 1):
        decides = [ctx.rules[rule] for rule in question.rule_ids if rule in ctx.rules]
        ids = ", ".join(f.risk_id for f in sorted(decides, key=view.risk_number) if f.risk_id)
        why = view.question_why(question.fact, lang)
        detail = spans(ctx.plural("report.decides", len(question.rule_ids), ids=ids or "—"),
                       (" · " + ctx.label("report.up_to_level",
                                          level=level_label(r, question.highest_level, lang)
                                          .lower())) if question.highest_level else None,
                       (" · " + ctx.label("report.why_asked", why=why)) if why else None)
        key = ctx.label("report.questions_to",
                        who=view.addressee_name(view.addressee(question), lang))
        groups.setdefault(key, []).append(
            Item(spans(f"{number}. ", question.question.get(lang)), detail))
    blocks: list[Block] = []
    for heading, items in groups.items():
        blocks += [Subhead(spans(heading), level=3), Items(tuple(items), style="questions")]
    return Section("annex_questions", title, "annex", tuple(blocks),
                   intro=spans(ctx.label("report.questions_intro")))


def annex_requirements(ctx: Context) -> Section:
    r, lang = ctx.review, ctx.lang
    title = ctx.title("annex_requirements", "report.heading.all_findings")
    aspects = {a.id: a.title.get(lang) for a in r.aspects}
    listed = view.listed_findings(r)
    risky = [f for f in listed if f.risk_id]
    passed = [f for f in listed if f.status == "pass"]
    not_applicable = [f for f in listed if f.status == "not_applicable"]
    blocks: list[Block] = [Figure(aspect_chart(r, lang, ctx.style),
                                  alt=ctx.label("report.chart.aspects_title"),
                                  caption=ctx.label("report.chart.aspects_caption"),
                                  text=tuple(Item(spans(f"{a.title.get(lang)}: "
                                                        f"{level_label(r, a.level, lang)}"))
                                             for a in r.aspects))]

    def requirement(f: Finding) -> Inline:
        return spans(f.title.get(lang), " ", Span(f.rule_id, "code"))

    if risky:
        blocks += [Subhead(spans(ctx.label("report.heading.open_requirements")), level=3),
                   Table((ctx.label("report.risk"), ctx.label("report.title"),
                          ctx.label("report.aspect"), ctx.label("report.status")),
                         tuple((spans(Span(f.risk_id or "", "id"), " ",
                                      ctx.level(f.residual.level if f.residual else None)),
                                requirement(f), spans(aspects.get(f.aspect, f.aspect)),
                                spans(ctx.label("status." + f.status))) for f in risky),
                         style="requirements")]
    if passed:
        blocks += [Subhead(spans(ctx.label("report.heading.passed")), level=3),
                   Para(spans(ctx.label("report.passed_intro")), "muted"),
                   Items(tuple(Item(requirement(f)) for f in passed), style="passed")]
    if not_applicable:
        blocks += [Subhead(spans(ctx.label("report.heading.not_applicable")), level=3),
                   Items(tuple(Item(requirement(f)) for f in not_applicable), style="passed")]
    return Section("annex_requirements", title, "annex", tuple(blocks))


def _catalogue_counts(ctx: Context) -> Para:
    view_ = ctx.review.catalogue
    assert view_ is not None
    counts = plurals("catalogue.count", ctx.lang, **view_.counts)
    return Para(spans(ctx.label("catalogue.counts", **counts)))


def annex_catalogue(ctx: Context) -> Section | None:
    """The review per requirement of an external catalogue (``review --catalogue``)."""
    catalogue = ctx.review.catalogue
    if catalogue is None:
        return None
    title = ctx.label("report.annex_title", letter=ANNEXES["annex_catalogue"],
                      title=ctx.label("catalogue.heading", title=catalogue.title))
    risk_of = {rule: f.risk_id for rule, f in ctx.rules.items() if f.risk_id}
    rows = tuple((spans(Span(row.ref_id, "code")), spans(row.name or ""),
                  spans(ctx.label("catalogue.result." + row.result)),
                  spans(", ".join(risk_of.get(rule, rule) for rule in row.rule_ids) or "—"))
                 for row in catalogue.requirements)
    return Section("annex_catalogue", title, "annex", (
        _catalogue_counts(ctx),
        Table((ctx.label("coverage.col.ref"), ctx.label("coverage.col.name"),
               ctx.label("catalogue.col.result"), ctx.label("report.catalogue_rules")), rows,
              style="catalogue")))


def catalogue_summary(ctx: Context) -> Section | None:
    """For the terminal: the catalogue's counts and the requirements not met or unverified."""
    catalogue = ctx.review.catalogue
    if catalogue is None:
        return None
    risk_of = {rule: f.risk_id for rule, f in ctx.rules.items() if f.risk_id}
    items = tuple(Item(spans(f"{row.ref_id} {row.name or ''} · ",
                             ctx.label("catalogue.result." + row.result)),
                       spans("→ " + ", ".join(risk_of.get(rule, rule) for rule in row.rule_ids)))
                  for row in catalogue.requirements if row.result in ("not_met", "unverified"))
    return Section("catalogue_summary", ctx.label("catalogue.heading", title=catalogue.title),
                   "memo", (_catalogue_counts(ctx), Items(items)),
                   formats=frozenset({"text"}))


def annex_provenance(ctx: Context) -> Section:
    r, lang = ctx.review, ctx.lang
    title = ctx.title("annex_provenance", "report.heading.provenance")
    rows: list[tuple[str, Inline]] = [
        (ctx.label("report.engine_version"),
         spans(f"secreview {r.engine_version} · {ctx.label('report.schema_version')} "
               f"{r.schema_version}")),
        (ctx.label("report.input_hash"), spans(Span(r.system.sha256, "code"))),
        (ctx.label("report.profile"), spans(f"{r.profile.id} {r.profile.version} · ",
                                            Span(r.profile.organisation, "name"),
                                            f" · {r.profile.matrix} · ",
                                            Span(r.profile.sha256, "code"))),
    ]
    if r.waivers_sha256:
        rows.append((ctx.label("report.waivers_hash"), spans(Span(r.waivers_sha256, "code"))))
    rows.append((ctx.label("report.attachment"), spans(ctx.label("report.attachment_note"))))
    blocks: list[Block] = [
        Facts(tuple(rows), style="provenance"),
        Table((ctx.label("report.ruleset"), ctx.label("report.version"), "SHA-256"),
              tuple((spans(rs.title.get(lang), " ", Span(rs.id, "code")), spans(rs.version),
                     spans(Span(rs.sha256, "code"))) for rs in r.rulesets),
              style="rulesets"),
        Subhead(spans(ctx.label("report.tailoring")), level=3),
    ]
    if r.tailoring:
        blocks.append(Items(tuple(
            Item(spans(Span(t.rule_id, "code"), ": ", ctx.label(f"report.tailoring.{t.change}"),
                       (f" · {ctx.label('report.axis.likelihood')} {t.likelihood}"
                        if t.likelihood else None),
                       (f" · {ctx.label('report.axis.consequence')} {t.consequence}"
                        if t.consequence else None),
                       f". {t.reason}")) for t in r.tailoring)))
    else:
        blocks.append(Para(spans(ctx.label("report.no_tailoring"))))
    return Section("annex_provenance", title, "annex", tuple(blocks),
                   formats=frozenset({"html", "md"}))


def annex_description(ctx: Context) -> Section:
    """Every answered fact by its path: the officers' cross-reference to the description."""
    r, lang = ctx.review, ctx.lang
    title = ctx.title("annex_description", "report.heading.description")
    rows = view.description_rows(r, lang)
    blocks: list[Block] = [
        Para(spans(ctx.label("report.description_intro")), "muted"),
        Items(tuple(Item(spans(Span(row.path, "code"), " ", Span(row.text, "name")))
                    for row in rows),
              style="description"),
    ]
    if view.description_truncated(rows):
        blocks.append(Para(spans(ctx.label("report.description_truncated")), "muted"))
    return Section("annex_description", title, "annex", tuple(blocks),
                   formats=frozenset({"html"}))


SECTIONS: tuple[Callable[[Context], Section | None], ...] = (
    decision, approvable, conditions, accepted, risks, risk_summary, questions_summary, warnings,
    catalogue_summary,
    signoff,
    annex_risks, annex_dpia, annex_questions, annex_requirements, annex_provenance,
    annex_description, annex_catalogue,
)
"""Every section of the report, in reading order. Formats pick theirs by ``Section.formats``."""


def build_document(review: Review, lang: Lang, style: ChartStyle) -> Document:
    """The whole report for ``review`` in ``lang``: header facts and every section."""
    ctx = Context(review, lang, style)
    built = [section for make in SECTIONS if (section := make(ctx)) is not None]
    name = review.system.name or label("report.unnamed_system", lang)
    return Document(title=name, subtitle=label("report.document_title", lang),
                    header=(identity(ctx),), sections=tuple(built))
