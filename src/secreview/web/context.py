"""One request's view of the workspace: its database session, the signed-in user, the CSRF
token, the language, and the rendering of pages with the security rules applied."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, TimestampSigner
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from secreview.i18n import Lang
from secreview.store.accounts import (
    SESSION_LIFETIME,
    end_session,
    find_session,
    new_session,
    user_by_name,
)
from secreview.store.models import User, WebSession
from secreview.web.security import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, same_token
from secreview.web.settings import Settings


class Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


class Refused(Exception):
    """An action the user may not take (403), or a request that is not acceptable (400...)."""

    def __init__(self, status: int, message_key: str, **values: Any) -> None:
        self.status, self.message_key, self.values = status, message_key, values


@dataclass
class App:
    """What every request shares: set up once by :func:`secreview.web.app.create_app`."""

    settings: Settings
    sessions: sessionmaker[Session]
    signer: TimestampSigner
    engine: Any  # secreview.store.reviewing.Engine
    templates: Any  # jinja2.Environment
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class Ctx:
    app: App
    request: Request
    db: Session
    web_session: WebSession | None
    user: User | None
    new_sid: str | None = None
    drop_cookie: bool = False

    @property
    def lang(self) -> Lang:
        if self.user is not None and self.user.language in ("sv", "en"):
            return "en" if self.user.language == "en" else "sv"
        wanted = self.request.query_params.get("lang")
        return "en" if wanted == "en" else "sv"

    @property
    def csrf(self) -> str:
        return self.ensure_session().csrf_token

    def ensure_session(self) -> WebSession:
        """The visitor's session, made on first need (the login form's CSRF token needs one)."""
        if self.web_session is None:
            sid, row = new_session(self.db, self.user)
            self.web_session, self.new_sid = row, sid
        return self.web_session

    def require_user(self) -> User:
        if self.user is None:
            raise Redirect("/login?next=" + _safe_next(self.request.url.path))
        return self.user

    def require(self, allowed: bool) -> None:
        if not allowed:
            raise Refused(403, "web.error.forbidden")

    def check_csrf(self, form: Mapping[str, Any]) -> None:
        """Every state-changing form carries the session's token (or the script sends it as a
        header); anything else is refused before the action runs."""
        given = form.get(CSRF_FIELD) or self.request.headers.get(CSRF_HEADER)
        if self.web_session is None or not same_token(
                str(given) if given is not None else None, self.web_session.csrf_token):
            raise Refused(403, "web.error.csrf")

    def login(self, user: User) -> None:
        """A new session id on every sign-in (the old one, if any, ends): a session id an
        attacker planted before sign-in is worth nothing after it."""
        if self.web_session is not None:
            self.db.delete(self.web_session)
        sid, row = new_session(self.db, user)
        self.web_session, self.new_sid, self.user = row, sid, user

    def logout(self, sid: str | None) -> None:
        if sid:
            end_session(self.db, sid)
        self.web_session, self.user, self.drop_cookie = None, None, True

    def finish(self, response: Response) -> Response:
        if self.new_sid is not None:
            response.set_cookie(SESSION_COOKIE, self.app.signer.sign(self.new_sid).decode(),
                                max_age=int(SESSION_LIFETIME.total_seconds()), httponly=True,
                                samesite="strict", secure=self.app.settings.secure_cookies,
                                path="/")
        elif self.drop_cookie:
            response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        from secreview.web.pages_support import page_globals

        html = self.app.templates.get_template(template).render(**page_globals(self), **values)
        return self.finish(HTMLResponse(html, status_code=status))

    def redirect(self, url: str) -> Response:
        return self.finish(RedirectResponse(url, status_code=303))


def _safe_next(path: str) -> str:
    return path if path.startswith("/") and not path.startswith("//") else "/"


def cookie_sid(app: App, request: Request) -> str | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        return app.signer.unsign(raw, max_age=int(SESSION_LIFETIME.total_seconds())).decode()
    except BadSignature:
        return None


@contextlib.contextmanager
def request_context(app: App, request: Request) -> Iterator[Ctx]:
    """Open the request's transaction, find its session and user; commit when the handler
    returns, roll back when it fails."""
    with app.sessions() as db, db.begin():
        sid = cookie_sid(app, request)
        row = find_session(db, sid) if sid else None
        user = db.get(User, row.user_id) if row is not None and row.user_id else None
        if user is not None and not user.active:
            user = None
        ctx = Ctx(app, request, db, row, user)
        _proxy_user(ctx)
        yield ctx


def _proxy_user(ctx: Ctx) -> None:
    """Trusted reverse-proxy header sign-in (off unless configured): only from the configured
    proxy addresses, only for existing active users, and with a new session on every change."""
    settings = ctx.app.settings
    header = settings.proxy_user_header
    if not header:
        return
    client = ctx.request.client.host if ctx.request.client else ""
    name = ctx.request.headers.get(header)
    if client not in settings.trusted_proxies or not name:
        return
    if ctx.user is not None and ctx.user.name == name:
        return
    user = user_by_name(ctx.db, name.strip())
    if user is None or not user.active:
        raise Refused(403, "web.error.proxy_unknown_user", name=name[:64])
    ctx.login(user)
