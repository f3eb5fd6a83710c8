"""The register (every system with its latest decision, filters, CSV, capability overlaps)
and creating a system."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from secreview.errors import InputError
from secreview.store import register as reg
from secreview.web import roles
from secreview.web.context import Ctx, request_context
from secreview.web.form import (
    FormValues,
)
from secreview.web.handlers import (
    acting,
    app_of,
    form_with_file,
    level_labels,
    t_for,
    threaded,
)

router = APIRouter(include_in_schema=False)


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
    with request_context(app_of(request), request) as ctx:
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
            levels=level_labels(ctx), today=dt.date.today())




@router.get("/register.csv")
def register_csv(request: Request) -> Response:
    from secreview.open_questions import csv_document

    with request_context(app_of(request), request) as ctx:
        ctx.require_user()
        rows, _ = _register_rows(ctx)
        levels = level_labels(ctx)

        def t(key: str) -> str:
            return t_for(ctx, key)

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
                t_for(ctx, f"decision.{review.outcome}") if review else "",
                levels.get(review.overall_level or "", "") if review else "",
                row.system.owner_board or "", row.system.management_object or "",
                row.system.capability or "",
                review.next_review.isoformat() if review and review.next_review else "",
                t("workflow.portfolio.yes") if row.overdue else t("workflow.portfolio.no"),
                t("workflow.portfolio.yes") if row.signed else t("workflow.portfolio.no"),
                t_for(ctx, f"decision.{row.decision.outcome}") if row.decision else ""])
        text = csv_document(header, body)
        return ctx.finish(Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                                   headers={"content-disposition":
                                            'attachment; filename="register.csv"'}))


# --- creating a system --------------------------------------------------------------------------

IDENTITY_FIELDS = ("name", "owner_board", "management_object", "capability", "system_owner")


@router.get("/systems/new")
def new_system_page(request: Request) -> Response:
    with request_context(app_of(request), request) as ctx:
        user = ctx.require_user()
        ctx.require(roles.can_create(user))
        return ctx.render("new_system.html.j2", values={}, problems=[])


@router.post("/systems/new")
async def create_system(request: Request) -> Response:
    values, raw, filename = await form_with_file(request)
    return await threaded(request, _create_system, values, raw, filename or "upload.yaml")


def _create_system(request: Request, form: FormValues, raw: bytes, filename: str) -> Response:
    from secreview.store.answers import dump_description, set_answer

    with acting(request, form, roles.can_create) as (ctx, user):
        values = {k: form.get(k) for k in IDENTITY_FIELDS}
        try:
            if raw:
                text = raw.decode("utf-8")
                system, _ = reg.create_system(ctx.db, ctx.app.engine, user, text, "web",
                                              name_hint=filename)
            else:
                if not values["name"]:
                    raise InputError.single(t_for(ctx, "web.new.name_required"),
                                            file="system.name")
                data: dict[str, Any] = {}
                for key in IDENTITY_FIELDS:
                    data = set_answer(data, f"system.{key}", values[key] or None)
                system, _ = reg.create_system(ctx.db, ctx.app.engine, user,
                                              dump_description(data), "web")
        except UnicodeDecodeError:
            return ctx.render("new_system.html.j2", status=400, values=values,
                              problems=[t_for(ctx, "web.error.not_utf8")])
        except InputError as exc:
            return ctx.render("new_system.html.j2", status=400, values=values,
                              problems=[p.format() for p in exc.problems])
        return ctx.redirect(f"/systems/{system.id}/questionnaire")
