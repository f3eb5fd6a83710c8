"""The JSON API beside the pages, for other systems (case management, archives, dashboards).

Clients authenticate with a per-user token (``secreview users token NAME``) sent as
``Authorization: Bearer``; cookies are not accepted here, so the API needs no CSRF token. The
same roles apply as in the pages. The OpenAPI document is served at ``/api/openapi.json`` and
kept in ``docs/openapi.json`` (a test keeps the two the same).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from secreview.errors import InputError
from secreview.review import Review
from secreview.store import register as reg
from secreview.store.accounts import user_for_token
from secreview.store.models import System, User
from secreview.web import roles
from secreview.web.context import App, Refused

router = APIRouter(prefix="/api", tags=["api"])
bearer = HTTPBearer(auto_error=False, description="A token from 'secreview users token NAME'.")

DESCRIPTION_BODY = {
    "requestBody": {
        "required": True,
        "description": "A system description as YAML or JSON (docs/schemas/system.schema.json).",
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"$ref": "#/components/schemas/SystemDescription"}},
        },
    }
}


class ProblemOut(BaseModel):
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    expected: str | None = None
    found: str | None = None
    suggestion: str | None = None


class ErrorOut(BaseModel):
    error: str
    problems: list[ProblemOut] = Field(default_factory=list)


class SystemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    owner_board: str | None
    management_object: str | None
    capability: str | None
    system_owner: str | None
    latest_version: int
    outcome: str | None = Field(description="Decision of the latest version's review")
    overall_level: str | None
    next_review: dt.date | None
    overdue: bool
    signed: bool = Field(description="The latest version is signed by the security officer")
    management_decision: str | None


class VersionOut(BaseModel):
    number: int
    parent: int | None
    author: str
    source: str
    created_at: dt.datetime
    sha256: str
    outcome: str | None
    overall_level: str | None
    signed_by: str | None
    signed_at: dt.datetime | None
    rulesets: list[dict[str, Any]] = Field(description="Ruleset ids, versions and SHA-256 of "
                                           "the version's review")


class SystemDetailOut(SystemOut):
    versions: list[VersionOut]


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input: the problems, located"},
    401: {"model": ErrorOut, "description": "Missing or unknown token"},
    403: {"model": ErrorOut, "description": "The token's user may not do this"},
    404: {"model": ErrorOut, "description": "No such system or version"},
}


def _state(request: Request) -> App:
    state: App = request.app.state.workspace
    return state


class Unauthorised(Exception):
    pass


def _user(request: Request, credentials: HTTPAuthorizationCredentials | None) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Refused(401, "web.error.token")
    with _state(request).sessions() as db, db.begin():
        user = user_for_token(db, credentials.credentials)
        if user is None:
            raise Refused(401, "web.error.token")
        db.expunge(user)
        return user


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _summary(row: reg.RegisterRow) -> dict[str, Any]:
    review = row.review
    return {"id": row.system.id, "name": row.system.name, "owner_board": row.system.owner_board,
            "management_object": row.system.management_object,
            "capability": row.system.capability, "system_owner": row.system.system_owner,
            "latest_version": row.system.latest_version,
            "outcome": review.outcome if review else None,
            "overall_level": review.overall_level if review else None,
            "next_review": review.next_review if review else None, "overdue": row.overdue,
            "signed": row.signed is not None,
            "management_decision": row.decision.outcome if row.decision else None}


async def _body(request: Request) -> tuple[bytes, str]:
    raw = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return raw, "request.json" if kind.endswith("json") else "request.yaml"


@router.post("/reviews", response_model=Review, openapi_extra=DESCRIPTION_BODY,
             responses=ERRORS, summary="Review a system description")
async def post_review(request: Request, credentials: Credentials,
                      lang: Annotated[str | None, Query(pattern="^(sv|en)$")] = None) -> Response:
    """Review the description in the body (YAML or JSON) and return the review JSON, the same
    contract as ``secreview review --format json``. Nothing is stored."""
    raw, _ = await _body(request)
    await run_in_threadpool(_user, request, credentials)

    def review() -> str:
        engine = _state(request).engine
        result = engine.review_text(raw, lang="en" if lang == "en" else
                                    ("sv" if lang == "sv" else None))
        return str(result.model_dump_json())

    return Response(await run_in_threadpool(review), media_type="application/json")


@router.get("/systems", response_model=list[SystemOut], responses=ERRORS,
            summary="The register")
def get_systems(request: Request, credentials: Credentials) -> list[dict[str, Any]]:
    """Every system with its latest decision, level, owners and re-review date."""
    _user(request, credentials)
    with _state(request).sessions() as db:
        return [_summary(row) for row in reg.register_rows(db)]


def _system_or_404(db: Any, system_id: int) -> System:
    system = reg.get_system(db, system_id)
    if system is None:
        raise Refused(404, "web.error.not_found")
    return system


@router.get("/systems/{system_id}", response_model=SystemDetailOut, responses=ERRORS,
            summary="One system and its versions")
def get_system(request: Request, system_id: int, credentials: Credentials) -> dict[str, Any]:
    _user(request, credentials)
    with _state(request).sessions() as db:
        system = _system_or_404(db, system_id)
        row = next(r for r in reg.register_rows(db) if r.system.id == system.id)
        names = {u.id: u.name for u in db.query(User).all()}
        versions = []
        for item in reg.versions(db, system.id):
            review = reg.latest_review(db, item.id)
            signed = reg.signoff(db, item.id)
            versions.append({
                "number": item.number, "parent": item.parent_number,
                "author": names.get(item.author_id, "?"), "source": item.source,
                "created_at": item.created_at, "sha256": item.sha256,
                "outcome": review.outcome if review else None,
                "overall_level": review.overall_level if review else None,
                "signed_by": names.get(signed.user_id) if signed else None,
                "signed_at": signed.signed_at if signed else None,
                "rulesets": review.rulesets if review else []})
        return {**_summary(row), "versions": versions}


@router.post("/systems/{system_id}/versions", response_model=VersionOut, status_code=201,
             openapi_extra=DESCRIPTION_BODY, summary="Save a new version",
             responses={**ERRORS, 409: {"model": ErrorOut,
                                        "description": "Stale: a newer version exists"}})
async def post_version(request: Request, system_id: int, credentials: Credentials,
                       base: Annotated[int, Query(ge=0, description="The version the new text "
                                                  "was based on (optimistic concurrency)")]
                       ) -> dict[str, Any]:
    """Save the body (YAML or JSON) as the next version of the system. Refused with 409 when
    ``base`` is not the latest version: nothing is overwritten."""
    raw, _ = await _body(request)
    user = await run_in_threadpool(_user, request, credentials)

    def save() -> dict[str, Any]:
        state = _state(request)
        with state.sessions() as db, db.begin():
            system = _system_or_404(db, system_id)
            if not roles.can_edit(user, system):
                raise Refused(403, "web.error.forbidden")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError.single("the body is not UTF-8 text") from None
            try:
                saved = reg.save_version(db, state.engine, system, user, text, "api", base)
            except reg.StaleVersion as stale:
                raise Refused(409, "web.error.stale_upload", latest=stale.latest.number,
                              author=stale.author, base=base) from None
            review = reg.latest_review(db, saved.id)
            return {"number": saved.number, "parent": saved.parent_number, "author": user.name,
                    "source": saved.source, "created_at": saved.created_at,
                    "sha256": saved.sha256, "outcome": review.outcome if review else None,
                    "overall_level": review.overall_level if review else None,
                    "signed_by": None, "signed_at": None,
                    "rulesets": review.rulesets if review else []}

    return await run_in_threadpool(save)


@router.get("/systems/{system_id}/versions/{number}/report.pdf", responses={
    **ERRORS, 200: {"content": {"application/pdf": {}}, "description": "The PDF/A-3u report"}},
    response_class=Response, summary="The decision report as PDF")
def get_report_pdf(request: Request, system_id: int, number: int, credentials: Credentials,
                   lang: Annotated[str, Query(pattern="^(sv|en)$")] = "sv") -> Response:
    from secreview.web.pages.system import pdf_bytes, pdf_response

    _user(request, credentials)
    state = _state(request)
    with state.sessions() as db:
        system = _system_or_404(db, system_id)
        found = reg.version(db, system.id, number)
        stored = reg.latest_review(db, found.id) if found else None
        if stored is None:
            raise Refused(404, "web.error.not_found")
        review_id, review_json = stored.id, stored.review_json
    return pdf_response(pdf_bytes(state, review_id, review_json, lang), system, number)


def install_openapi(app: Any) -> None:
    """Serve an OpenAPI document that includes the system description's JSON Schema (its
    definitions prefixed ``System_`` so they cannot collide with the review's)."""
    import json

    from fastapi.openapi.utils import get_openapi

    from secreview.system import system_json_schema

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return dict(app.openapi_schema)
        document = get_openapi(title=app.title, version=app.version,
                               description=app.description, routes=app.routes)
        schema = system_json_schema()
        definitions = schema.pop("$defs", {})
        text = json.dumps({"schema": schema, "defs": definitions})
        for name in definitions:
            text = text.replace(f'"#/$defs/{name}"', f'"#/components/schemas/System_{name}"')
        moved = json.loads(text)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in moved["defs"].items():
            components[f"System_{name}"] = definition
        components["SystemDescription"] = moved["schema"]
        app.openapi_schema = document
        return document

    app.openapi = build
