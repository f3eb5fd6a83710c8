"""The workspace application: settings, database, engine and templates wired once, then the pages
(:mod:`secreview.web.pages`) and the JSON API (:mod:`secreview.web.api`)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from itsdangerous import TimestampSigner
from sqlalchemy.exc import OperationalError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.staticfiles import StaticFiles

from secreview import __version__
from secreview.errors import InputError
from secreview.web.context import App, Redirect, Refused
from secreview.web.security import BodyLimit, SecurityHeaders, session_key
from secreview.web.settings import MAX_UPLOAD_BYTES, Settings

API_DESCRIPTION = (
    "The secreview workspace's JSON API. Authenticate with a per-user token "
    "(`secreview users token NAME`) sent as `Authorization: Bearer TOKEN`. Reviews follow the "
    "public review JSON contract (docs/review-format.md).")


def create_app(settings: Settings, migrate: bool = True) -> FastAPI:
    """Build the application for ``settings`` (the schema is brought up to date first)."""
    from secreview.bundled import templates_dir
    from secreview.store.db import data_dir, ensure_schema, make_engine, session_factory
    from secreview.store.reviewing import Engine
    from secreview.web import api, pages
    from secreview.web.pages_support import STATIC, environment

    database = make_engine(settings.database_url)
    if migrate:
        ensure_schema(database)
    state = App(settings=settings, sessions=session_factory(database),
                signer=TimestampSigner(session_key(data_dir()), salt="secreview.session"),
                engine=Engine.load(settings.profile), templates=environment())
    app = FastAPI(title="secreview workspace API", version=__version__,
                  description=API_DESCRIPTION, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", lifespan=_lifespan)
    app.state.workspace = state
    app.state.database = database
    app.include_router(api.router)
    api.install_openapi(app)
    for router in pages.ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/fonts", StaticFiles(directory=templates_dir() / "fonts"), name="fonts")
    _handlers(app)
    app.add_middleware(BodyLimit, limit=MAX_UPLOAD_BYTES)
    app.add_middleware(SecurityHeaders)
    return app


THREADS = 8
"""Requests handled at once per process. The work is CPU-bound Python (validation, reviews,
pages), so more threads only fight over the interpreter lock, and a thread holding the SQLite
write lock would wait behind them; beyond this many, requests queue in arrival order."""


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    yield


def create_app_from_environment() -> FastAPI:
    """The factory ``secreview serve`` hands uvicorn (settings come through the environment)."""
    return create_app(Settings.from_environment())


def _bilingual(key: str, **values: Any) -> str:
    from secreview.i18n import label

    return f"{label(key, 'sv', **values)} / {label(key, 'en', **values)}"


def _handlers(app: FastAPI) -> None:
    from secreview.web.pages_support import translator

    def error_page(request: Request, status: int, message: str,
                   problems: list[str] | None = None) -> Response:
        if request.url.path.startswith("/api/"):
            headers = {"www-authenticate": "Bearer"} if status == 401 else None
            return JSONResponse({"error": message,
                                 "problems": [{"message": p} for p in problems or []]},
                                status_code=status, headers=headers)
        state: App = request.app.state.workspace
        html = state.templates.get_template("error.html.j2").render(
            t=translator("sv"), t_en=translator("en"), status=status, message=message,
            problems=problems or [], lang="sv", user=None, csrf="", role_label="",
            can_create=False, can_manage_users=False, path=request.url.path)
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(Redirect)
    async def redirect(request: Request, exc: Redirect) -> Response:
        from starlette.responses import RedirectResponse

        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return error_page(request, exc.status, _bilingual(exc.message_key, **exc.values))

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": _bilingual("web.error.input"),
                                 "problems": [p.as_dict() for p in exc.problems]},
                                status_code=400)
        return error_page(request, 400, _bilingual("web.error.input"),
                          [p.format() for p in exc.problems])

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}"
                    for e in exc.errors()]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": _bilingual("web.error.input"),
                                 "problems": [{"message": p} for p in problems]},
                                status_code=400)
        return error_page(request, 400, _bilingual("web.error.input"), problems)

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> Response:
        return error_page(request, 404, _bilingual("web.error.not_found"))

    @app.exception_handler(405)
    async def not_allowed(request: Request, exc: Exception) -> Response:
        return error_page(request, 405, _bilingual("web.error.method"))

    @app.exception_handler(OperationalError)
    async def busy(request: Request, exc: OperationalError) -> Response:
        if "database is locked" not in str(exc.orig):
            return await internal(request, exc)
        response = error_page(request, 503, _bilingual("web.error.busy"))
        response.headers["retry-after"] = "2"
        return response

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        import logging

        logging.getLogger("secreview.web").exception("internal error on %s", request.url.path)
        return error_page(request, 500, _bilingual("web.error.internal"))

    @app.get("/levels.css", include_in_schema=False)
    def levels_css(request: Request) -> Response:
        from secreview.web.pages_support import level_stylesheet

        state: App = request.app.state.workspace
        levels = [(lv.id, lv.colour) for lv in state.engine.profile.matrix.levels]
        return Response(level_stylesheet(levels), media_type="text/css")

    @app.get("/healthz", include_in_schema=False)
    def healthz(request: Request) -> Response:
        from secreview.store.db import reachable

        if reachable(request.app.state.database):
            return PlainTextResponse("ok")
        return PlainTextResponse("database unreachable", status_code=503)
