"""A system's page: history, review diff, versions, reports (HTML, PDF), export, sign-off,
management's decision, waivers and the upload of a new version."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from secreview.errors import InputError
from secreview.store import register as reg
from secreview.store.models import DescriptionVersion, System, User
from secreview.store.reviewing import WaiverInput, review_from_json
from secreview.web import roles
from secreview.web.context import App, Ctx, Refused, request_context
from secreview.web.decision_view import decision_view
from secreview.web.form import (
    FormValues,
)
from secreview.web.handlers import (
    Form,
    acting,
    app_of,
    form_with_file,
    level_labels,
    system_or_404,
    t_for,
    threaded,
    version_or_404,
)
from secreview.web.pages.workbooks import addressee_names

router = APIRouter(include_in_schema=False)


_PDF_LOCK = threading.Lock()
PDF_CACHE_SIZE = 16


# --- a system's page and history ----------------------------------------------------------------

@router.get("/systems/{system_id}")
def system_page(request: Request, system_id: int) -> Response:
    from secreview.store.audit import entries

    with request_context(app_of(request), request) as ctx:
        user = ctx.require_user()
        system = system_or_404(ctx, system_id)
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
            levels=level_labels(ctx), rules=sorted(r.id for r in ctx.app.engine.catalog.rules),
            today=dt.date.today(), outcomes=reg.MANAGEMENT_OUTCOMES,
            addressees=addressee_names(ctx))


@router.get("/systems/{system_id}/diff")
def diff_page(request: Request, system_id: int) -> Response:
    from secreview.review_diff import diff_reviews

    with request_context(app_of(request), request) as ctx:
        ctx.require_user()
        system = system_or_404(ctx, system_id)
        try:
            first = int(request.query_params.get("a", "0"))
            second = int(request.query_params.get("b", "0"))
        except ValueError:
            raise Refused(400, "web.error.bad_versions") from None
        reviews = []
        for number in (first, second):
            found = version_or_404(ctx, system, number)
            stored = reg.latest_review(ctx.db, found.id)
            if stored is None:
                raise Refused(404, "web.error.not_found")
            reviews.append(review_from_json(stored.review_json))
        result = diff_reviews(reviews[0], reviews[1])
        return ctx.render("diff.html.j2", system=system, a=first, b=second, diff=result,
                          levels=level_labels(ctx))


@router.get("/systems/{system_id}/versions/{number}")
def version_page(request: Request, system_id: int, number: int) -> Response:
    with request_context(app_of(request), request) as ctx:
        ctx.require_user()
        system = system_or_404(ctx, system_id)
        found = version_or_404(ctx, system, number)
        stored = reg.latest_review(ctx.db, found.id)
        review = review_from_json(stored.review_json) if stored else None
        return ctx.render("version.html.j2", system=system, version=found, stored=stored,
                          view=decision_view(review, ctx.lang) if review else None)


@router.get("/systems/{system_id}/versions/{number}/description")
def export_version(request: Request, system_id: int, number: int) -> Response:
    from secreview.store.transfer import export_name

    with request_context(app_of(request), request) as ctx:
        ctx.require_user()
        system = system_or_404(ctx, system_id)
        found = version_or_404(ctx, system, number)
        kind = "application/json" if export_name(system, found).endswith(".json") else \
            "application/yaml"
        return ctx.finish(Response(
            found.yaml_text.encode("utf-8"), media_type=f"{kind}; charset=utf-8",
            headers={"content-disposition":
                     f'attachment; filename="{export_name(system, found)}"'}))


def stored_review(ctx: Ctx, system_id: int, number: int) -> tuple[System, DescriptionVersion, Any]:
    system = system_or_404(ctx, system_id)
    found = version_or_404(ctx, system, number)
    stored = reg.latest_review(ctx.db, found.id)
    if stored is None:
        raise Refused(404, "web.error.not_found")
    return system, found, stored


@router.get("/systems/{system_id}/versions/{number}/report.html")
def report_html(request: Request, system_id: int, number: int) -> Response:
    from starlette.responses import HTMLResponse

    with request_context(app_of(request), request) as ctx:
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
    with request_context(app_of(request), request) as ctx:
        ctx.require_user()
        system, _, stored = stored_review(ctx, system_id, number)
        data = pdf_bytes(ctx.app, stored.id, stored.review_json, ctx.lang)
        return ctx.finish(pdf_response(data, system, number))


# --- sign-off, decision, waivers ----------------------------------------------------------------

@router.post("/systems/{system_id}/versions/{number}/sign")
def sign(request: Request, system_id: int, number: int, form: Form) -> Response:
    with acting(request, form, roles.can_sign) as (ctx, user):
        system = system_or_404(ctx, system_id)
        found = version_or_404(ctx, system, number)
        try:
            reg.sign(ctx.db, system, found, user, form.get("statement"))
        except reg.Frozen:
            raise Refused(409, "web.error.already_signed") from None
        return ctx.redirect(f"/systems/{system.id}")


@router.post("/systems/{system_id}/versions/{number}/decision")
def decision(request: Request, system_id: int, number: int, form: Form) -> Response:
    with acting(request, form, roles.can_decide) as (ctx, user):
        system = system_or_404(ctx, system_id)
        reg.decide(ctx.db, system, version_or_404(ctx, system, number), user, form.get("outcome"),
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
    with acting(request, form, roles.can_manage_waivers) as (ctx, user):
        system = system_or_404(ctx, system_id)
        owner = form.get("risk_owner_name")
        waiver = WaiverInput(
            rule=form.get("rule"), justification=form.get("justification"),
            accepted_by=(form.get("accepted_by_name") or user.display_name,
                         form.get("accepted_by_role") or t_for(ctx, "role.security_officer")),
            accepted_on=_date(form.get("accepted_on") or dt.date.today().isoformat(),
                              "accepted_on"),
            expires=_date(form.get("expires"), "expires"),
            risk_owner=(owner, form.get("risk_owner_role") or "") if owner else None)
        reg.add_waiver(ctx.db, ctx.app.engine, system, user, waiver)
        return ctx.redirect(f"/systems/{system.id}#waivers")


@router.post("/systems/{system_id}/waivers/{waiver_id}/revoke")
def revoke_waiver(request: Request, system_id: int, waiver_id: int, form: Form) -> Response:
    with acting(request, form, roles.can_manage_waivers) as (ctx, user):
        system = system_or_404(ctx, system_id)
        reg.revoke_waiver(ctx.db, ctx.app.engine, system, user, waiver_id)
        return ctx.redirect(f"/systems/{system.id}#waivers")


# --- uploading a new version (YAML/JSON; the vendor workbook has its own, pages/workbooks.py) ---

@router.post("/systems/{system_id}/upload")
async def upload_version(request: Request, system_id: int) -> Response:
    values, raw, name = await form_with_file(request)
    return await threaded(request, _upload_version, system_id, values, raw, name)


def _upload_version(request: Request, system_id: int, form: FormValues, raw: bytes,
                    name: str) -> Response:
    from secreview.store.workbooks import file_label

    with acting(request, form) as (ctx, user):
        system = system_or_404(ctx, system_id)
        ctx.require(roles.can_edit(user, system))
        try:
            base = int(form.get("base"))
            text = raw.decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise Refused(400, "web.error.bad_upload") from None
        try:
            reg.save_version(ctx.db, ctx.app.engine, system, user, text, "web", base,
                             source_name=file_label(name) if name else None)
        except reg.StaleVersion as stale:
            raise Refused(409, "web.error.stale_upload", latest=stale.latest.number,
                          author=stale.author, base=base) from None
        return ctx.redirect(f"/systems/{system.id}")
