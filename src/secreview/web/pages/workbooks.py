"""The vendor workbook on a system's page: download the questions of the latest version for one
addressee, upload the returned workbook as the next version, and the upload's result."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from secreview.addressees import addressee_name
from secreview.i18n import bilingual
from secreview.store import register as reg
from secreview.store import workbooks
from secreview.store.models import System
from secreview.web import roles
from secreview.web.context import Ctx, Refused, request_context
from secreview.web.decision_view import DecisionView, decision_view
from secreview.web.form import FormValues
from secreview.web.handlers import acting, app_of, form_with_file, system_or_404, threaded

router = APIRouter(include_in_schema=False)


@router.get("/systems/{system_id}/workbook.xlsx")
def download(request: Request, system_id: int) -> Response:
    """The questions of the latest version (addressee ``for``, the vendor by default) in the
    reader's language; ``all=1`` adds the answered ones to confirm or correct."""
    with request_context(app_of(request), request) as ctx:
        ctx.require_user()
        system = system_or_404(ctx, system_id)
        query = request.query_params
        made = workbooks.workbook(ctx.db, ctx.app.engine, system, query.get("for", "vendor"),
                                  ctx.lang, query.get("all") == "1", dt.date.today())
        return ctx.finish(Response(made.data, media_type=workbooks.XLSX, headers={
            "content-disposition": f'attachment; filename="{made.filename}"'}))


@router.post("/systems/{system_id}/workbook")
async def upload(request: Request, system_id: int) -> Response:
    values, raw, name = await form_with_file(request)
    return await threaded(request, _upload, system_id, values, raw, name)


def _upload(request: Request, system_id: int, form: FormValues, raw: bytes,
            name: str) -> Response:
    """Check who uploads and read the latest version in one short transaction, read the file
    with no transaction open (no lock held while it takes its second), then save the result
    and the upload's record in a second transaction (409 if a version was saved between)."""
    with acting(request, form) as (ctx, user):
        system = system_or_404(ctx, system_id)
        ctx.require(roles.can_edit(user, system))
        if not raw:
            raise Refused(400, "web.exchange.no_file")
        start = workbooks.basis(ctx.db, system)
    reading = workbooks.read(app_of(request).engine, start, raw, name,
                             force=form.get("force") == "1", today=dt.date.today())
    with request_context(app_of(request), request) as ctx:
        user = ctx.require_user()
        system = system_or_404(ctx, system_id)
        ctx.require(roles.can_edit(user, system))
        try:
            done = workbooks.store(ctx.db, ctx.app.engine, system, user, reading)
        except reg.StaleVersion as stale:
            raise Refused(409, "web.error.stale_upload", latest=stale.latest.number,
                          author=stale.author, base=stale.base) from None
        return ctx.redirect(f"/systems/{system.id}/imports/{done.entry_id}")


@router.get("/systems/{system_id}/imports/{entry_id}")
def result(request: Request, system_id: int, entry_id: int) -> Response:
    """What one upload did, from its audit entry: the summary, the new version and its
    decision, the refused answers at their cells, or why the whole file was refused."""
    with request_context(app_of(request), request) as ctx:
        user = ctx.require_user()
        system = system_or_404(ctx, system_id)
        done = workbooks.upload_record(ctx.db, system, entry_id)
        if done is None:
            raise Refused(404, "web.error.not_found")
        forced = bilingual("exchange.note.forced")  # worded for the command line's --force
        return ctx.render("workbook_import.html.j2", system=system, upload=done,
                          notes=[n for n in done.notes if n != forced],
                          overridden=forced in done.notes,
                          questions=_questions(ctx, done), can_edit=roles.can_edit(user, system),
                          addressee_label=addressee_name(done.role or "", ctx.lang),
                          view=_decision(ctx, system, done.version))


def _decision(ctx: Ctx, system: System, number: int | None) -> DecisionView | None:
    """The live decision of the version the upload made (None when it made none)."""
    from secreview.store.reviewing import review_from_json

    found = reg.version(ctx.db, system.id, number) if number else None
    stored = reg.latest_review(ctx.db, found.id) if found else None
    return decision_view(review_from_json(stored.review_json), ctx.lang) if stored else None


def _questions(ctx: Ctx, done: workbooks.Upload) -> dict[str, str]:
    from secreview.questions import question_for

    catalog = ctx.app.engine.catalog
    return {fact: question_for(fact, catalog).get(ctx.lang)
            for fact in (*done.answered, *done.changed, *done.confirmed)}


def addressee_names(ctx: Ctx) -> list[tuple[str, str]]:
    """Every addressee with its name in the reader's language, the vendor first."""
    from secreview.vocabulary import ADDRESSEES

    return [(a, addressee_name(a, ctx.lang)) for a in ADDRESSEES]
