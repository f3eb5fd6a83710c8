"""The register of reviewed systems (``secreview portfolio``) as CSV, JSON and HTML.

Rendered like the reports: CSV through the one CSV writer (:func:`~.csvout.csv_document`), HTML
through the one Jinja environment (:func:`~.environment.environment`), so the register escapes,
caps and colours exactly as a report does. Each system links to its own report when the
portfolio wrote one (``--reports html`` or ``pdf``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secreview.i18n import Lang, format_date, label
from secreview.report.csvout import csv_document
from secreview.vocabulary import DECISION_COLOURS, NO_LEVEL_COLOUR

if TYPE_CHECKING:  # the register is built a layer above (portfolio); it is only read here
    from secreview.portfolio import Register, RegisterEntry

TEMPLATE = "register.html.j2"
COLUMNS = ("system", "file", "capability", "vendor", "decision", "level", "owner_board",
           "system_owner", "information_owner", "management_object", "review_date",
           "next_review", "overdue", "expired_waivers", "missing", "findings", "open_questions",
           "report")


def level_name(register: Register, level: str | None, lang: Lang) -> str:
    """A level as the profile names it; "no risk" when there is none."""
    if level is None:
        return label("label.no_level", lang)
    return register.levels[level].get(lang) if level in register.levels else level


def missing_text(entry: RegisterEntry, lang: Lang) -> str:
    return ", ".join(label(f"workflow.portfolio.col.{k}", lang) for k in entry.missing)


def render_csv(register: Register, lang: Lang) -> str:
    """One row per system, dates in ISO 8601 (a spreadsheet sorts and filters them)."""
    yes, no = label("workflow.portfolio.yes", lang), label("workflow.portfolio.no", lang)
    rows = [[
        e.system or "", e.file, e.capability or "", e.vendor or "",
        label(f"decision.{e.decision}", lang), level_name(register, e.level, lang),
        e.owner_board or "", e.system_owner or "", e.information_owner or "",
        e.management_object or "",
        e.review_date.isoformat() + (f" ({label('workflow.portfolio.date_assumed', lang)})"
                                     if e.review_date_assumed else ""),
        e.next_review.isoformat() if e.next_review else "", yes if e.overdue else no,
        " ".join(e.expired_waivers), missing_text(e, lang), e.findings, e.open_questions,
        e.report or "",
    ] for e in register.entries]
    return csv_document([label(f"workflow.portfolio.col.{c}", lang) for c in COLUMNS], rows)


def render_json(register: Register) -> str:
    """register.json, checked against its published schema (``secreview schema register``)."""
    from secreview.documents import dump

    return dump("register", register.as_dict(), sort_keys=True)


def render_html(register: Register, lang: Lang) -> str:
    """The register page: by risk, by capability, closed integrations, owners missing, errors."""
    from secreview.report.environment import environment

    return environment().get_template(TEMPLATE).render(
        r=register, lang=lang, today=format_date(register.today, lang),
        level_name=lambda value: level_name(register, value, lang),
        missing=lambda entry: missing_text(entry, lang),
        when=lambda value: format_date(value, lang),
        colour=lambda decision: DECISION_COLOURS.get(decision, NO_LEVEL_COLOUR),
    )
