"""What every page handler shares: the application state, the posted form (read in the event
loop, handlers run in threads), the prologue of a state-changing request, lookups that answer
404, and the page's language."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends
from starlette.requests import Request
from starlette.responses import Response

from secreview.store import register as reg
from secreview.store.models import DescriptionVersion, System, User
from secreview.web.context import App, Ctx, Refused, request_context
from secreview.web.form import (
    FormValues,
)


def app_of(request: Request) -> App:
    state: App = request.app.state.workspace
    return state


async def form_values(request: Request) -> FormValues:
    """The posted fields (a dependency: read in the event loop, handlers run in threads)."""
    form = await request.form()
    return FormValues([(k, v) for k, v in form.multi_items() if isinstance(v, str)])


Form = Annotated[FormValues, Depends(form_values)]


async def form_with_file(request: Request) -> tuple[FormValues, bytes, str]:
    """A multipart form's fields, the bytes of its ``file`` (empty when none was chosen) and
    the file's name as the browser sent it (read in the event loop, within the body limit)."""
    form = await request.form()
    sent = form.get("file")
    raw = await sent.read() if sent is not None and not isinstance(sent, str) else b""
    values = FormValues([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    return values, raw, getattr(sent, "filename", "") or ""


@contextlib.contextmanager
def acting(request: Request, form: FormValues,
           allowed: Callable[[User], bool] | None = None) -> Iterator[tuple[Ctx, User]]:
    """A state-changing request: signed in, carrying the CSRF token, in a role allowed to."""
    with request_context(app_of(request), request) as ctx:
        user = ctx.require_user()
        ctx.check_csrf(form.single)
        if allowed is not None:
            ctx.require(allowed(user))
        yield ctx, user


def system_or_404(ctx: Ctx, system_id: int) -> System:
    system = reg.get_system(ctx.db, system_id)
    if system is None:
        raise Refused(404, "web.error.not_found")
    return system


def version_or_404(ctx: Ctx, system: System, number: int) -> DescriptionVersion:
    found = reg.version(ctx.db, system.id, number)
    if found is None:
        raise Refused(404, "web.error.not_found")
    return found


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"

def t_for(ctx: Ctx, key: str, **values: Any) -> str:
    from secreview.i18n import label

    return label(key, ctx.lang, **values)


async def threaded(request: Request, handler: Any, *args: Any) -> Response:
    from starlette.concurrency import run_in_threadpool

    response: Response = await run_in_threadpool(handler, request, *args)
    return response


def level_labels(ctx: Ctx) -> dict[str, str]:
    return {lv.id: lv.label.get(ctx.lang) for lv in ctx.app.engine.profile.matrix.levels}
