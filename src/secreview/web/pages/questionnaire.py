"""The questionnaire with the live decision: the page (works without JavaScript), the
whole-form save, merge and discard, and the script's autosave of one answer."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from secreview.errors import InputError
from secreview.store import register as reg
from secreview.store.models import DescriptionVersion, System, User
from secreview.store.reviewing import WaiverInput
from secreview.web import roles
from secreview.web.context import Ctx, request_context
from secreview.web.decision_view import decision_view
from secreview.web.form import (
    LIST_STATES,
    build_sections,
    display,
    hidden_paths,
    list_state,
    parse_answers,
)
from secreview.web.handlers import (
    Form,
    app_of,
    system_or_404,
    t_for,
)

router = APIRouter(include_in_schema=False)


# --- the questionnaire --------------------------------------------------------------------------

def _sections(ctx: Ctx) -> list[Any]:
    key = f"sections:{ctx.lang}"
    if key not in ctx.app.cache:
        ctx.app.cache[key] = build_sections(ctx.app.engine.catalog, ctx.lang)
    sections: list[Any] = ctx.app.cache[key]
    return sections


def _questions(ctx: Ctx) -> dict[str, Any]:
    return {q.path: q for s in _sections(ctx) for q in s.questions}


def _editable(ctx: Ctx, system_id: int) -> tuple[User, System]:
    user = ctx.require_user()
    system = system_or_404(ctx, system_id)
    ctx.require(roles.can_edit(user, system))
    return user, system


@dataclass
class _PageFacts:
    """What the questionnaire page needs from the database, read inside the transaction."""

    state: reg.DraftState
    waivers: list[WaiverInput]
    latest: DescriptionVersion | None
    signed: Any


def _page_facts(ctx: Ctx, system: System, state: reg.DraftState) -> _PageFacts:
    latest = reg.latest_version(ctx.db, system.id)
    return _PageFacts(state, reg.active_waivers(ctx.db, system.id), latest,
                      reg.signoff(ctx.db, latest.id) if latest else None)


def _render_questionnaire(ctx: Ctx, system: System, facts: _PageFacts, status: int = 200,
                          problems: dict[str, list[str]] | None = None,
                          stale: reg.StaleVersion | None = None,
                          merge: reg.Merge | None = None) -> Response:
    sections = _sections(ctx)
    questions = [q for s in sections for q in s.questions]
    data = facts.state.data
    engine = ctx.app.engine
    review = engine.review(engine.validate_data(data, {}), facts.waivers)
    return ctx.render(
        "questionnaire.html.j2", status=status, system=system, sections=sections,
        data=data, state=facts.state, hidden=hidden_paths(data, questions),
        view=decision_view(review, ctx.lang), problems=problems or {}, stale=stale,
        merge=merge, latest=facts.latest, signed=facts.signed, display=display,
        list_state=list_state, list_states=LIST_STATES, words=engine.catalog.fact_words)


def _questionnaire(ctx: Ctx, system: System, state: reg.DraftState, status: int = 200,
                   problems: dict[str, list[str]] | None = None,
                   stale: reg.StaleVersion | None = None,
                   merge: reg.Merge | None = None) -> Response:
    return _render_questionnaire(ctx, system, _page_facts(ctx, system, state), status,
                                 problems, stale, merge)


@router.get("/systems/{system_id}/questionnaire")
def questionnaire_page(request: Request, system_id: int) -> Response:
    with request_context(app_of(request), request) as ctx:
        user, system = _editable(ctx, system_id)
        facts = _page_facts(ctx, system, reg.draft_state(ctx.db, system, user))
    return _render_questionnaire(ctx, system, facts)  # the review runs after the commit


def _problems_by_question(exc: InputError, paths: list[str]) -> dict[str, list[str]]:
    """Put each problem beside the question it is about (by the path in its message)."""
    result: dict[str, list[str]] = {}
    for problem in exc.problems:
        text = re.sub(r"^[^\n]*?error: ", "", problem.format(), count=1)
        owner = next((p for p in sorted(paths, key=len, reverse=True)
                      if problem.message.startswith(p) or f"'{p}" in problem.message
                      or p.rsplit(".", 1)[-1] in problem.message.split(":", 1)[0]), "")
        result.setdefault(owner, []).append(text)
    return result


@router.post("/systems/{system_id}/questionnaire")
def questionnaire_submit(request: Request, system_id: int, form: Form) -> Response:
    """The whole form (works without JavaScript): save the answers to the draft, then, when
    asked, save the draft as the next version, merge it onto a newer one, or discard it."""
    with request_context(app_of(request), request) as ctx:
        user, system = _editable(ctx, system_id)
        ctx.check_csrf(form.single)
        action = form.get("action") or "draft"
        if action == "discard":
            reg.discard_draft(ctx.db, system, user)
            return ctx.redirect(f"/systems/{system.id}/questionnaire")
        answers = parse_answers(_questions(ctx), form)
        try:
            state, _ = reg.save_answers(ctx.db, ctx.app.engine, system, user, answers)
        except InputError as exc:
            state = reg.draft_state(ctx.db, system, user)
            return _questionnaire(ctx, system, state, 400,
                                  _problems_by_question(exc, list(answers)))
        if action == "merge":
            merge = reg.merge_draft(ctx.db, ctx.app.engine, system, user,
                                    list(_questions(ctx)))
            return _questionnaire(ctx, system, reg.draft_state(ctx.db, system, user),
                                  merge=merge)
        if action != "save":
            return ctx.redirect(f"/systems/{system.id}/questionnaire?saved=draft")
    # Saving a version runs in its own transaction so a refusal keeps the draft just stored.
    with request_context(app_of(request), request) as ctx:
        user, system = _editable(ctx, system_id)
        try:
            saved = reg.commit_draft(ctx.db, ctx.app.engine, system, user)
        except reg.StaleVersion as stale:
            refused = stale
        else:
            return ctx.redirect(f"/systems/{system.id}?saved={saved.number}")
    with request_context(app_of(request), request) as ctx:
        user, system = _editable(ctx, system_id)
        from secreview.store.audit import record

        record(ctx.db, user.name, "version.refused_stale", subject=system.name,
               system_id=system.id, version=refused.latest.number,
               detail={"base": refused.base})
        return _questionnaire(ctx, system, reg.draft_state(ctx.db, system, user), 409,
                              stale=refused)


@router.post("/systems/{system_id}/answers")
def autosave(request: Request, system_id: int, form: Form) -> Response:
    """The script's autosave of one question: store it in the draft, re-evaluate, and answer
    with the decision panel, the questions routing hides now, and any problems. Only the
    storing runs in the transaction; the review and the panel are made after it commits."""
    with request_context(app_of(request), request) as ctx:
        user, system = _editable(ctx, system_id)
        ctx.check_csrf(form.single)
        questions = _questions(ctx)
        answers = parse_answers(questions, form)
        try:
            state, model = reg.save_answers(ctx.db, ctx.app.engine, system, user, answers)
        except InputError as exc:
            return ctx.finish(JSONResponse(
                {"ok": False, "problems": _problems_by_question(exc, list(answers))},
                status_code=422))
        waivers = reg.active_waivers(ctx.db, system.id)
    review = ctx.app.engine.review(model, waivers)
    view = decision_view(review, ctx.lang)
    panel = ctx.app.templates.get_template("_decision.html.j2").render(
        view=view, t=lambda key, **v: t_for(ctx, key, **v))
    hidden = sorted(hidden_paths(state.data, list(questions.values())))
    return ctx.finish(JSONResponse({
        "ok": True, "revision": state.revision, "base": state.base,
        "outcome": view.outcome, "decision_html": panel, "hidden": hidden,
        "saved_at": dt.datetime.now().strftime("%H:%M:%S"),
        "answers": {path: _json_value(value) for path, value in answers.items()}}))


def _json_value(value: Any) -> Any:
    from secreview.facts import json_value

    return json_value(value)
