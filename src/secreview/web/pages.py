"""The workspace's pages: sign-in, the register, a system's history, the questionnaire with the
live decision, reports, sign-off, decisions, waivers and users.

Every handler runs in one transaction (:func:`~secreview.web.context.request_context`), checks
the role on the server and the CSRF token on every POST, and renders escaped templates. Forms
post plain HTML (they work without JavaScript); ``/answers`` is the script's autosave.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from secreview.errors import InputError
from secreview.store import accounts
from secreview.store import register as reg
from secreview.store.models import DescriptionVersion, System, User
from secreview.store.reviewing import WaiverInput, review_from_json
from secreview.web import roles
from secreview.web.context import App, Ctx, Refused, cookie_sid, request_context
from secreview.web.decision_view import decision_view
from secreview.web.form import (
    LIST_STATES,
    FormValues,
    build_sections,
    display,
    hidden_paths,
    list_state,
    parse_answers,
)

router = APIRouter(include_in_schema=False)
_PDF_LOCK = threading.Lock()
PDF_CACHE_SIZE = 16


def _app(request: Request) -> App:
    state: App = request.app.state.workspace
    return state


async def _form(request: Request) -> FormValues:
    """The posted fields (a dependency: read in the event loop, handlers run in threads)."""
    form = await request.form()
    return FormValues([(k, v) for k, v in form.multi_items() if isinstance(v, str)])


Form = Annotated[FormValues, Depends(_form)]


@contextlib.contextmanager
def _acting(request: Request, form: FormValues,
            allowed: Callable[[User], bool] | None = None) -> Iterator[tuple[Ctx, User]]:
    """A state-changing request: signed in, carrying the CSRF token, in a role allowed to."""
    with request_context(_app(request), request) as ctx:
        user = ctx.require_user()
        ctx.check_csrf(form.single)
        if allowed is not None:
            ctx.require(allowed(user))
        yield ctx, user


def _system(ctx: Ctx, system_id: int) -> System:
    system = reg.get_system(ctx.db, system_id)
    if system is None:
        raise Refused(404, "web.error.not_found")
    return system


def _version(ctx: Ctx, system: System, number: int) -> DescriptionVersion:
    found = reg.version(ctx.db, system.id, number)
    if found is None:
        raise Refused(404, "web.error.not_found")
    return found


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


# --- sign-in ------------------------------------------------------------------------------------

@router.get("/login")
def login_page(request: Request) -> Response:
    with request_context(_app(request), request) as ctx:
        if ctx.user is not None:
            return ctx.redirect("/")
        return ctx.render("login.html.j2", error=None, name="",
                          next=request.query_params.get("next", "/"))


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    """Sign in. The password is checked between two short transactions, so no database lock
    is held while Argon2 works."""
    app = _app(request)
    name, password = form.get("name")[:64], form.single.get("password", "")
    target = form.get("next") or "/"
    target = target if target.startswith("/") and not target.startswith("//") else "/"
    with request_context(app, request) as ctx:
        ctx.check_csrf(form.single)
        throttle = accounts.login_throttle(ctx.db, name, _client(request))
        if not throttle.allowed:
            return ctx.render("login.html.j2", status=429, name=name, next=target,
                              error=ctx_t(ctx, "web.login.throttled",
                                          seconds=throttle.retry_after))
        found = accounts.user_by_name(ctx.db, name)
        stored = found.password_hash if found is not None and found.active else None
    ok, rehashed = accounts.check_password_hash(stored, password)
    with request_context(app, request) as ctx:
        user = accounts.user_by_name(ctx.db, name)
        if not ok or user is None or not user.active or user.password_hash != stored:
            accounts.record_failed_login(ctx.db, name, _client(request))
            return ctx.render("login.html.j2", status=401, name=name, next=target,
                              error=ctx_t(ctx, "web.login.failed"))
        if rehashed is not None:
            user.password_hash = rehashed
        accounts.purge_sessions(ctx.db)
        ctx.login(user)
        from secreview.store.audit import record

        record(ctx.db, user.name, "login", subject=user.name,
               detail={"address": _client(request)})
        return ctx.redirect(target)


@router.post("/logout")
def logout(request: Request, form: Form) -> Response:
    app = _app(request)
    with request_context(app, request) as ctx:
        ctx.check_csrf(form.single)
        ctx.logout(cookie_sid(app, request))
        return ctx.redirect("/login")


@router.post("/me/language")
def set_language(request: Request, form: Form) -> Response:
    with _acting(request, form) as (ctx, user):
        if form.get("lang") in ("sv", "en"):
            user.language = form.get("lang")
        back = form.get("back") or "/"
        return ctx.redirect(back if back.startswith("/") and not back.startswith("//") else "/")


def ctx_t(ctx: Ctx, key: str, **values: Any) -> str:
    from secreview.i18n import label

    return label(key, ctx.lang, **values)


async def _threaded(request: Request, handler: Any, *args: Any) -> Response:
    from starlette.concurrency import run_in_threadpool

    response: Response = await run_in_threadpool(handler, request, *args)
    return response


# --- the register -------------------------------------------------------------------------------

def _register_rows(ctx: Ctx) -> tuple[list[reg.RegisterRow], dict[str, str]]:
    rows = reg.register_rows(ctx.db)
    query = {k: ctx.request.query_params.get(k, "").strip()
             for k in ("q", "board", "decision", "capability", "overdue")}
    def keep(row: reg.RegisterRow) -> bool:
        system = row.system
        if query["q"] and query["q"].casefold() not in " ".join(
                filter(None, (system.name, system.management_object, system.capability,
                              system.owner_board, system.system_owner))).casefold():
            return False
        if query["board"] and (system.owner_board or "") != query["board"]:
            return False
        if query["capability"] and (system.capability or "") != query["capability"]:
            return False
        outcome = row.review.outcome if row.review else ""
        if query["decision"] and outcome != query["decision"]:
            return False
        return not (query["overdue"] == "1" and not row.overdue)
    return [r for r in rows if keep(r)], query


@router.get("/")
def register_page(request: Request) -> Response:
    with request_context(_app(request), request) as ctx:
        ctx.require_user()
        all_rows = reg.register_rows(ctx.db)
        rows, query = _register_rows(ctx)
        overlaps = reg.capability_overlaps(all_rows)
        overlap_ids = {r.system.id for members in overlaps.values() for r in members}
        return ctx.render(
            "register.html.j2", rows=rows, query=query, overlaps=overlaps,
            overlap_ids=overlap_ids, total=len(all_rows),
            boards=sorted({r.system.owner_board for r in all_rows if r.system.owner_board}),
            capabilities=sorted({r.system.capability for r in all_rows if r.system.capability}),
            levels=_level_labels(ctx), today=dt.date.today())


def _level_labels(ctx: Ctx) -> dict[str, str]:
    return {lv.id: lv.label.get(ctx.lang) for lv in ctx.app.engine.profile.matrix.levels}


@router.get("/register.csv")
def register_csv(request: Request) -> Response:
    from secreview.open_questions import csv_document

    with request_context(_app(request), request) as ctx:
        ctx.require_user()
        rows, _ = _register_rows(ctx)
        levels = _level_labels(ctx)

        def t(key: str) -> str:
            return ctx_t(ctx, key)

        header = [t("workflow.portfolio.col.system"), "id", t("web.col.version"),
                  t("workflow.portfolio.col.decision"), t("workflow.portfolio.col.level"),
                  t("workflow.portfolio.col.owner_board"),
                  t("workflow.portfolio.col.management_object"),
                  t("workflow.portfolio.col.capability"), t("workflow.portfolio.col.next_review"),
                  t("workflow.portfolio.col.overdue"), t("web.col.signed"),
                  t("web.col.management_decision")]
        body = []
        for row in rows:
            review = row.review
            body.append([
                row.system.name, row.system.id, row.version.number if row.version else "",
                ctx_t(ctx, f"decision.{review.outcome}") if review else "",
                levels.get(review.overall_level or "", "") if review else "",
                row.system.owner_board or "", row.system.management_object or "",
                row.system.capability or "",
                review.next_review.isoformat() if review and review.next_review else "",
                t("workflow.portfolio.yes") if row.overdue else t("workflow.portfolio.no"),
                t("workflow.portfolio.yes") if row.signed else t("workflow.portfolio.no"),
                ctx_t(ctx, f"decision.{row.decision.outcome}") if row.decision else ""])
        text = csv_document(header, body)
        return ctx.finish(Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                                   headers={"content-disposition":
                                            'attachment; filename="register.csv"'}))


# --- creating a system --------------------------------------------------------------------------

IDENTITY_FIELDS = ("name", "owner_board", "management_object", "capability", "system_owner")


@router.get("/systems/new")
def new_system_page(request: Request) -> Response:
    with request_context(_app(request), request) as ctx:
        user = ctx.require_user()
        ctx.require(roles.can_create(user))
        return ctx.render("new_system.html.j2", values={}, problems=[])


@router.post("/systems/new")
async def create_system(request: Request) -> Response:
    form = await request.form()
    upload = form.get("file")
    raw = await upload.read() if upload is not None and not isinstance(upload, str) else b""
    values = FormValues([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    filename = getattr(upload, "filename", "") or "upload.yaml"
    return await _threaded(request, _create_system, values, raw, filename)


def _create_system(request: Request, form: FormValues, raw: bytes, filename: str) -> Response:
    from secreview.store.answers import dump_description, set_answer

    with _acting(request, form, roles.can_create) as (ctx, user):
        values = {k: form.get(k) for k in IDENTITY_FIELDS}
        try:
            if raw:
                text = raw.decode("utf-8")
                system, _ = reg.create_system(ctx.db, ctx.app.engine, user, text, "web",
                                              name_hint=filename)
            else:
                if not values["name"]:
                    raise InputError.single(ctx_t(ctx, "web.new.name_required"),
                                            file="system.name")
                data: dict[str, Any] = {}
                for key in IDENTITY_FIELDS:
                    data = set_answer(data, f"system.{key}", values[key] or None)
                system, _ = reg.create_system(ctx.db, ctx.app.engine, user,
                                              dump_description(data), "web")
        except UnicodeDecodeError:
            return ctx.render("new_system.html.j2", status=400, values=values,
                              problems=[ctx_t(ctx, "web.error.not_utf8")])
        except InputError as exc:
            return ctx.render("new_system.html.j2", status=400, values=values,
                              problems=[p.format() for p in exc.problems])
        return ctx.redirect(f"/systems/{system.id}/questionnaire")


# --- a system's page and history ----------------------------------------------------------------

@router.get("/systems/{system_id}")
def system_page(request: Request, system_id: int) -> Response:
    from secreview.store.audit import entries

    with request_context(_app(request), request) as ctx:
        user = ctx.require_user()
        system = _system(ctx, system_id)
        history = []
        for item in reversed(reg.versions(ctx.db, system.id)):
            author = ctx.db.get(User, item.author_id)
            history.append({"version": item, "author": author.display_name if author else "?",
                            "review": reg.latest_review(ctx.db, item.id),
                            "signed": reg.signoff(ctx.db, item.id),
                            "decisions": reg.decisions(ctx.db, item.id)})
        signers = {u.id: u.display_name for u in ctx.db.query(User).all()}
        latest = history[0] if history else None
        return ctx.render(
            "system.html.j2", system=system, history=history, latest=latest, signers=signers,
            waivers=reg.waivers(ctx.db, system.id), audit=entries(ctx.db, system.id, 50),
            can_edit=roles.can_edit(user, system), can_sign=roles.can_sign(user),
            can_decide=roles.can_decide(user), can_waive=roles.can_manage_waivers(user),
            levels=_level_labels(ctx), rules=sorted(r.id for r in ctx.app.engine.catalog.rules),
            today=dt.date.today(), outcomes=reg.MANAGEMENT_OUTCOMES)


@router.get("/systems/{system_id}/diff")
def diff_page(request: Request, system_id: int) -> Response:
    from secreview.review_diff import diff_reviews

    with request_context(_app(request), request) as ctx:
        ctx.require_user()
        system = _system(ctx, system_id)
        try:
            first = int(request.query_params.get("a", "0"))
            second = int(request.query_params.get("b", "0"))
        except ValueError:
            raise Refused(400, "web.error.bad_versions") from None
        reviews = []
        for number in (first, second):
            found = _version(ctx, system, number)
            stored = reg.latest_review(ctx.db, found.id)
            if stored is None:
                raise Refused(404, "web.error.not_found")
            reviews.append(review_from_json(stored.review_json))
        result = diff_reviews(reviews[0], reviews[1])
        return ctx.render("diff.html.j2", system=system, a=first, b=second, diff=result,
                          levels=_level_labels(ctx))


@router.get("/systems/{system_id}/versions/{number}")
def version_page(request: Request, system_id: int, number: int) -> Response:
    with request_context(_app(request), request) as ctx:
        ctx.require_user()
        system = _system(ctx, system_id)
        found = _version(ctx, system, number)
        stored = reg.latest_review(ctx.db, found.id)
        review = review_from_json(stored.review_json) if stored else None
        return ctx.render("version.html.j2", system=system, version=found, stored=stored,
                          view=decision_view(review, ctx.lang) if review else None)


@router.get("/systems/{system_id}/versions/{number}/description")
def export_version(request: Request, system_id: int, number: int) -> Response:
    from secreview.store.transfer import export_name

    with request_context(_app(request), request) as ctx:
        ctx.require_user()
        system = _system(ctx, system_id)
        found = _version(ctx, system, number)
        kind = "application/json" if export_name(system, found).endswith(".json") else \
            "application/yaml"
        return ctx.finish(Response(
            found.yaml_text.encode("utf-8"), media_type=f"{kind}; charset=utf-8",
            headers={"content-disposition":
                     f'attachment; filename="{export_name(system, found)}"'}))


def stored_review(ctx: Ctx, system_id: int, number: int) -> tuple[System, DescriptionVersion, Any]:
    system = _system(ctx, system_id)
    found = _version(ctx, system, number)
    stored = reg.latest_review(ctx.db, found.id)
    if stored is None:
        raise Refused(404, "web.error.not_found")
    return system, found, stored


@router.get("/systems/{system_id}/versions/{number}/report.html")
def report_html(request: Request, system_id: int, number: int) -> Response:
    from starlette.responses import HTMLResponse

    with request_context(_app(request), request) as ctx:
        ctx.require_user()
        _, _, stored = stored_review(ctx, system_id, number)
        html = ctx.app.engine.render(review_from_json(stored.review_json), "html", ctx.lang)
        return ctx.finish(HTMLResponse(str(html)))


def pdf_bytes(app: App, review_id: int, review_json: str, lang: str) -> bytes:
    """The PDF of a stored review (deterministic, so a small cache per process is exact)."""
    key = f"pdf:{review_id}:{lang}"
    cached = app.cache.get(key)
    if cached is not None:
        return bytes(cached)
    with _PDF_LOCK:  # WeasyPrint renders one document at a time per process
        data = app.engine.render(review_from_json(review_json), "pdf",
                                 "en" if lang == "en" else "sv")
    assert isinstance(data, bytes)
    pdf_keys = [k for k in app.cache if k.startswith("pdf:")]
    if len(pdf_keys) >= PDF_CACHE_SIZE:
        app.cache.pop(pdf_keys[0], None)
    app.cache[key] = data
    return data


def pdf_response(data: bytes, system: System, number: int) -> Response:
    return Response(data, media_type="application/pdf", headers={
        "content-disposition": f'attachment; filename="system-{system.id}-v{number}.pdf"'})


@router.get("/systems/{system_id}/versions/{number}/report.pdf")
def report_pdf(request: Request, system_id: int, number: int) -> Response:
    with request_context(_app(request), request) as ctx:
        ctx.require_user()
        system, _, stored = stored_review(ctx, system_id, number)
        data = pdf_bytes(ctx.app, stored.id, stored.review_json, ctx.lang)
        return ctx.finish(pdf_response(data, system, number))


# --- sign-off, decision, waivers ----------------------------------------------------------------

@router.post("/systems/{system_id}/versions/{number}/sign")
def sign(request: Request, system_id: int, number: int, form: Form) -> Response:
    with _acting(request, form, roles.can_sign) as (ctx, user):
        system = _system(ctx, system_id)
        found = _version(ctx, system, number)
        try:
            reg.sign(ctx.db, system, found, user, form.get("statement"))
        except reg.Frozen:
            raise Refused(409, "web.error.already_signed") from None
        return ctx.redirect(f"/systems/{system.id}")


@router.post("/systems/{system_id}/versions/{number}/decision")
def decision(request: Request, system_id: int, number: int, form: Form) -> Response:
    with _acting(request, form, roles.can_decide) as (ctx, user):
        system = _system(ctx, system_id)
        reg.decide(ctx.db, system, _version(ctx, system, number), user, form.get("outcome"),
                   form.get("note"))
        return ctx.redirect(f"/systems/{system.id}")


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError.single(f"{field}: write the date as YYYY-MM-DD", found=repr(text[:40]),
                                file=field) from None


@router.post("/systems/{system_id}/waivers")
def add_waiver(request: Request, system_id: int, form: Form) -> Response:
    with _acting(request, form, roles.can_manage_waivers) as (ctx, user):
        system = _system(ctx, system_id)
        owner = form.get("risk_owner_name")
        waiver = WaiverInput(
            rule=form.get("rule"), justification=form.get("justification"),
            accepted_by=(form.get("accepted_by_name") or user.display_name,
                         form.get("accepted_by_role") or ctx_t(ctx, "role.security_officer")),
            accepted_on=_date(form.get("accepted_on") or dt.date.today().isoformat(),
                              "accepted_on"),
            expires=_date(form.get("expires"), "expires"),
            risk_owner=(owner, form.get("risk_owner_role") or "") if owner else None)
        reg.add_waiver(ctx.db, ctx.app.engine, system, user, waiver)
        return ctx.redirect(f"/systems/{system.id}#waivers")


@router.post("/systems/{system_id}/waivers/{waiver_id}/revoke")
def revoke_waiver(request: Request, system_id: int, waiver_id: int, form: Form) -> Response:
    with _acting(request, form, roles.can_manage_waivers) as (ctx, user):
        system = _system(ctx, system_id)
        reg.revoke_waiver(ctx.db, ctx.app.engine, system, user, waiver_id)
        return ctx.redirect(f"/systems/{system.id}#waivers")


# --- uploading a new version (YAML/JSON; the vendor workbook will arrive here too) -------------

@router.post("/systems/{system_id}/upload")
async def upload_version(request: Request, system_id: int) -> Response:
    form = await request.form()
    upload = form.get("file")
    raw = await upload.read() if upload is not None and not isinstance(upload, str) else b""
    values = FormValues([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    return await _threaded(request, _upload_version, system_id, values, raw)


def _upload_version(request: Request, system_id: int, form: FormValues, raw: bytes) -> Response:
    with _acting(request, form) as (ctx, user):
        system = _system(ctx, system_id)
        ctx.require(roles.can_edit(user, system))
        try:
            base = int(form.get("base"))
            text = raw.decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise Refused(400, "web.error.bad_upload") from None
        try:
            reg.save_version(ctx.db, ctx.app.engine, system, user, text, "web", base)
        except reg.StaleVersion as stale:
            raise Refused(409, "web.error.stale_upload", latest=stale.latest.number,
                          author=stale.author, base=base) from None
        return ctx.redirect(f"/systems/{system.id}")


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
    system = _system(ctx, system_id)
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
        list_state=list_state, list_states=LIST_STATES)


def _questionnaire(ctx: Ctx, system: System, state: reg.DraftState, status: int = 200,
                   problems: dict[str, list[str]] | None = None,
                   stale: reg.StaleVersion | None = None,
                   merge: reg.Merge | None = None) -> Response:
    return _render_questionnaire(ctx, system, _page_facts(ctx, system, state), status,
                                 problems, stale, merge)


@router.get("/systems/{system_id}/questionnaire")
def questionnaire_page(request: Request, system_id: int) -> Response:
    with request_context(_app(request), request) as ctx:
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
    with request_context(_app(request), request) as ctx:
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
    with request_context(_app(request), request) as ctx:
        user, system = _editable(ctx, system_id)
        try:
            saved = reg.commit_draft(ctx.db, ctx.app.engine, system, user)
        except reg.StaleVersion as stale:
            refused = stale
        else:
            return ctx.redirect(f"/systems/{system.id}?saved={saved.number}")
    with request_context(_app(request), request) as ctx:
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
    with request_context(_app(request), request) as ctx:
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
        view=view, t=lambda key, **v: ctx_t(ctx, key, **v))
    hidden = sorted(hidden_paths(state.data, list(questions.values())))
    return ctx.finish(JSONResponse({
        "ok": True, "revision": state.revision, "base": state.base,
        "outcome": view.outcome, "decision_html": panel, "hidden": hidden,
        "saved_at": dt.datetime.now().strftime("%H:%M:%S"),
        "answers": {path: _json_value(value) for path, value in answers.items()}}))


def _json_value(value: Any) -> Any:
    from secreview.facts import json_value

    return json_value(value)


# --- users (admin) ------------------------------------------------------------------------------

@router.get("/users")
def users_page(request: Request) -> Response:
    with request_context(_app(request), request) as ctx:
        user = ctx.require_user()
        ctx.require(roles.can_manage_users(user))
        return ctx.render("users.html.j2", users=ctx.db.query(User).order_by(User.name).all(),
                          roles=roles.ROLES, problems=[])


@router.post("/users")
def add_user(request: Request, form: Form) -> Response:
    with _acting(request, form, roles.can_manage_users) as (ctx, user):
        try:
            accounts.add_user(ctx.db, form.get("name"), form.get("role"),
                              form.single.get("password", ""), form.get("display_name") or None,
                              form.get("language") or "sv", actor=user.name)
        except InputError as exc:
            ctx.db.rollback()
            return ctx.render("users.html.j2", status=400,
                              users=ctx.db.query(User).order_by(User.name).all(),
                              roles=roles.ROLES, problems=[p.format() for p in exc.problems])
        return ctx.redirect("/users")


@router.post("/users/{user_id}/active")
def set_active(request: Request, user_id: int, form: Form) -> Response:
    from secreview.store.audit import record

    with _acting(request, form, roles.can_manage_users) as (ctx, admin):
        target = ctx.db.get(User, user_id)
        if target is None or target.id == admin.id:
            raise Refused(400, "web.error.not_allowed_on_self")
        target.active = form.get("active") == "1"
        record(ctx.db, admin.name, "user.active" if target.active else "user.inactive",
               subject=target.name)
        return ctx.redirect("/users")
