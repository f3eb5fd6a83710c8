"""Session cookies, CSRF, security headers and request size limits.

The session key is generated on first start and kept in the data folder with mode 0600; it is
never in the repository or the database. The cookie carries the session id signed with it
(itsdangerous); the server keeps only the id's SHA-256, with the user and the CSRF token.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "secreview_session"
KEY_FILE = "session.key"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")
REPORT_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
"""The HTML report is the engine's self-contained document (inline stylesheet); it still runs
no script at all."""

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cache-control": "no-store",
}


def session_key(folder: Path) -> bytes:
    """The signing key in ``folder/session.key``, created (0600) on first use."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes().strip()
        if len(key) < 32:
            raise RuntimeError(f"{path} is too short to be a session key; delete it to make a "
                               "new one (everyone will have to sign in again)") from None
        return key
    key = secrets.token_hex(32).encode("ascii")
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key


def same_token(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class SecurityHeaders:
    """Adds the security headers to every response (CSP without inline script, no framing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        report = scope["path"].endswith("/report.html")

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers["content-security-policy"] = REPORT_CSP if report else CSP
            await send(message)

        await self.app(scope, receive, sending)


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes with 413, before they are read whole."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        received = 0

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counting, send)
        except BodyTooLarge:
            await _too_large(send, self.limit)


class BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = (f"Request too large: at most {limit} bytes / Begäran är för stor: högst {limit} "
            "byte").encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
