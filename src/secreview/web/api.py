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
from starlette.responses import JSONResponse, Response

from secreview.errors import InputError
from secreview.review import Review
from secreview.store import register as reg
from secreview.store import workbooks
from secreview.store.accounts import user_for_token
from secreview.store.models import System, User
from secreview.vocabulary import Addressee
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
    sheet: str | None = Field(None, description="In a workbook: the sheet; then line is the "
                              "row and column the column number")
    line: int | None = None
    column: int | None = None
    expected: str | None = None
    found: str | None = None
    suggestion: str | None = None
    code: str | None = Field(None, description="A stable kind where one is set, such as "
                             "exchange.other_system")


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
    source_name: str | None = Field(None, description="The file the version came from (a "
                                    "vendor workbook's name), when known")
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


def _version_out(db: Any, item: Any, author: str) -> dict[str, Any]:
    """A stored version with its latest review and sign-off, as :class:`VersionOut`."""
    review = reg.latest_review(db, item.id)
    signed = reg.signoff(db, item.id)
    signer = db.get(User, signed.user_id) if signed else None
    return {"number": item.number, "parent": item.parent_number, "author": author,
            "source": item.source, "source_name": item.source_name,
            "created_at": item.created_at, "sha256": item.sha256,
            "outcome": review.outcome if review else None,
            "overall_level": review.overall_level if review else None,
            "signed_by": signer.name if signer else None,
            "signed_at": signed.signed_at if signed else None,
            "rulesets": review.rulesets if review else []}


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


def _editable(db: Any, system_id: int, user: User) -> System:
    """The system, when the token's user may change it (403 otherwise)."""
    system = _system_or_404(db, system_id)
    if not roles.can_edit(user, system):
        raise Refused(403, "web.error.forbidden")
    return system


@router.get("/systems/{system_id}", response_model=SystemDetailOut, responses=ERRORS,
            summary="One system and its versions")
def get_system(request: Request, system_id: int, credentials: Credentials) -> dict[str, Any]:
    _user(request, credentials)
    with _state(request).sessions() as db:
        system = _system_or_404(db, system_id)
        row = next(r for r in reg.register_rows(db) if r.system.id == system.id)
        names = {u.id: u.name for u in db.query(User).all()}
        versions = [_version_out(db, item, names.get(item.author_id, "?"))
                    for item in reg.versions(db, system.id)]
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
            system = _editable(db, system_id, user)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError.single("the body is not UTF-8 text") from None
            try:
                saved = reg.save_version(db, state.engine, system, user, text, "api", base)
            except reg.StaleVersion as stale:
                raise Refused(409, "web.error.stale_upload", latest=stale.latest.number,
                              author=stale.author, base=base) from None
            return _version_out(db, saved, user.name)

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


# --- the vendor workbook -------------------------------------------------------------------------

WORKBOOK_BODY = {
    "requestBody": {
        "required": True,
        "description": "A returned vendor workbook (.xlsx made by the workbook endpoint or by "
                       "'secreview questions --format xlsx'), or the CSV of 'secreview "
                       "questions --format csv' (docs/vendor-exchange.md).",
        "content": {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


class ImportSummaryOut(BaseModel):
    answered: int = Field(description="Questions answered that were unknown")
    changed: int = Field(description="Answers that replaced another answer")
    confirmed: int = Field(description="Answers kept, with a new source or comment")
    still_unknown: int = Field(description="Questions asked that are still unknown")
    refused: int = Field(description="Answers that could not be read (see problems)")


class TextOut(BaseModel):
    sv: str
    en: str


class AnsweredByOut(BaseModel):
    who: str | None
    role: str = Field(description="The addressee the answers are recorded from (vendor, ...)")
    when: dt.date


class WorkbookImportOut(BaseModel):
    imported: bool = Field(description="A new version was saved with the answers")
    version: VersionOut | None = Field(description="The new version, when one was saved")
    base: int = Field(description="The version the answers were read against (the latest)")
    file: str
    forced: bool
    summary: ImportSummaryOut
    problems: list[ProblemOut] = Field(description="The refused answers, each at its sheet, "
                                       "row (line) and column")
    problems_total: int
    notes: list[TextOut]
    answered: list[str]
    changed: list[str]
    confirmed: list[str]
    answered_by: AnsweredByOut
    log_entry: int = Field(description="The audit-log entry of the upload; its page is "
                           "/systems/{id}/imports/{log_entry}")


@router.get("/systems/{system_id}/workbook.xlsx", responses={
    **ERRORS, 200: {"content": {workbooks.XLSX: {}}, "description": "The workbook"}},
    response_class=Response, summary="The questions of the latest version as a workbook")
def get_workbook(request: Request, system_id: int, credentials: Credentials,
                 addressee: Annotated[Addressee, Query(alias="for",
                                                       description="Who answers")] = "vendor",
                 lang: Annotated[str | None, Query(pattern="^(sv|en)$", description="Default "
                                                   "the token user's language")] = None,
                 include_answered: Annotated[bool, Query(alias="all", description="Add the "
                                                         "answered questions, to confirm")]
                 = False) -> Response:
    """The vendor-exchange workbook (.xlsx) for ``for`` from the system's latest version: the
    same file as the system page's download and ``secreview questions --format xlsx``."""
    user = _user(request, credentials)
    state = _state(request)
    language = lang or user.language
    with state.sessions() as db, db.begin():
        made = workbooks.workbook(db, state.engine, _system_or_404(db, system_id), addressee,
                                  "en" if language == "en" else "sv", include_answered,
                                  dt.date.today())
    return Response(made.data, media_type=workbooks.XLSX, headers={
        "content-disposition": f'attachment; filename="{made.filename}"'})


@router.post("/systems/{system_id}/answers", response_model=WorkbookImportOut, status_code=201,
             openapi_extra=WORKBOOK_BODY, summary="Import a returned workbook as a new version",
             response_description="A new version was saved with the answers",
             responses={**ERRORS,
                        200: {"model": WorkbookImportOut,
                              "description": "Read, but no answer changed the description: "
                                             "no version was saved"},
                        409: {"model": ErrorOut,
                              "description": "Stale: a version was saved meanwhile"}})
async def post_answers(request: Request, system_id: int, credentials: Credentials,
                       name: Annotated[str, Query(max_length=255, description="The file's "
                                                  "name, kept with the version")]
                       = workbooks.DEFAULT_NAME,
                       force: Annotated[bool, Query(description="Import a workbook made for "
                                                    "another system or questionnaire "
                                                    "version")] = False) -> Response:
    """Read the answers in the body into the system's latest version; when they change
    anything, save the result as the next version (source ``workbook``) with who gave each
    answer. Refused answers are listed, located; a file refused whole (another system or
    questionnaire version without ``force``, not a workbook) gives 400 and changes nothing.
    Every upload is recorded in the audit log."""
    raw = await request.body()
    user = await run_in_threadpool(_user, request, credentials)

    def read() -> tuple[workbooks.Upload, dict[str, Any] | None]:
        state = _state(request)
        with state.sessions() as db, db.begin():  # short: who may, and what is read against
            start = workbooks.basis(db, _editable(db, system_id, user))
        reading = workbooks.read(state.engine, start, raw, name, force=force,
                                 today=dt.date.today())  # no transaction: no lock held
        with state.sessions() as db, db.begin():
            system = _editable(db, system_id, user)
            try:
                done = workbooks.store(db, state.engine, system, user, reading)
            except reg.StaleVersion as stale:
                raise Refused(409, "web.error.stale_upload", latest=stale.latest.number,
                              author=stale.author, base=stale.base) from None
            saved = reg.version(db, system.id, done.version) if done.version else None
            return done, _version_out(db, saved, user.name) if saved else None

    done, version = await run_in_threadpool(read)
    if done.refused:
        from secreview.i18n import label

        error = f"{label('web.exchange.refused_title', 'sv')} / " \
                f"{label('web.exchange.refused_title', 'en')}"
        return JSONResponse({"error": error,
                             "problems": [p.as_dict() for p in done.refusal]}, status_code=400)
    body = WorkbookImportOut(
        imported=version is not None, version=version, base=done.base, file=done.file,
        forced=done.forced, summary=ImportSummaryOut(**done.summary),
        problems=[ProblemOut(**p.as_dict()) for p in done.problems],
        problems_total=done.problems_total, notes=[TextOut(**n.model_dump()) for n in done.notes],
        answered=done.answered, changed=done.changed, confirmed=done.confirmed,
        answered_by=AnsweredByOut(who=done.who, role=done.role or "vendor",
                                  when=dt.date.fromisoformat(done.when or "")),
        log_entry=done.entry_id)
    return JSONResponse(body.model_dump(mode="json"), status_code=201 if version else 200)


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
