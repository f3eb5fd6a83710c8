"""Sign-in and sign-out, the user's language, and the administrator's user list.

Signing in checks the password between two short transactions (no lock is held while Argon2
works) and always starts a new session."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from secreview.errors import InputError
from secreview.i18n import plural
from secreview.store import accounts
from secreview.store.models import User
from secreview.web import roles
from secreview.web.context import Refused, cookie_sid, request_context
from secreview.web.handlers import (
    Form,
    acting,
    app_of,
    client_address,
    t_for,
)

router = APIRouter(include_in_schema=False)


# --- sign-in ------------------------------------------------------------------------------------

@router.get("/login")
def login_page(request: Request) -> Response:
    with request_context(app_of(request), request) as ctx:
        if ctx.user is not None:
            return ctx.redirect("/")
        return ctx.render("login.html.j2", error=None, name="",
                          next=request.query_params.get("next", "/"))


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    """Sign in. The password is checked between two short transactions, so no database lock
    is held while Argon2 works."""
    app = app_of(request)
    name, password = form.get("name")[:64], form.single.get("password", "")
    target = form.get("next") or "/"
    target = target if target.startswith("/") and not target.startswith("//") else "/"
    with request_context(app, request) as ctx:
        ctx.check_csrf(form.single)
        throttle = accounts.login_throttle(ctx.db, name, client_address(request))
        if not throttle.allowed:
            return ctx.render("login.html.j2", status=429, name=name, next=target,
                              error=plural("web.login.throttled", throttle.retry_after,
                                           ctx.lang))
        found = accounts.user_by_name(ctx.db, name)
        stored = found.password_hash if found is not None and found.active else None
    ok, rehashed = accounts.check_password_hash(stored, password)
    with request_context(app, request) as ctx:
        user = accounts.user_by_name(ctx.db, name)
        if not ok or user is None or not user.active or user.password_hash != stored:
            accounts.record_failed_login(ctx.db, name, client_address(request))
            return ctx.render("login.html.j2", status=401, name=name, next=target,
                              error=t_for(ctx, "web.login.failed"))
        if rehashed is not None:
            user.password_hash = rehashed
        accounts.purge_sessions(ctx.db)
        ctx.login(user)
        from secreview.store.audit import record

        record(ctx.db, user.name, "login", subject=user.name,
               detail={"address": client_address(request)})
        return ctx.redirect(target)


@router.post("/logout")
def logout(request: Request, form: Form) -> Response:
    app = app_of(request)
    with request_context(app, request) as ctx:
        ctx.check_csrf(form.single)
        ctx.logout(cookie_sid(app, request))
        return ctx.redirect("/login")


@router.post("/me/language")
def set_language(request: Request, form: Form) -> Response:
    with acting(request, form) as (ctx, user):
        if form.get("lang") in ("sv", "en"):
            user.language = form.get("lang")
        back = form.get("back") or "/"
        return ctx.redirect(back if back.startswith("/") and not back.startswith("//") else "/")


# --- users (admin) ------------------------------------------------------------------------------

@router.get("/users")
def users_page(request: Request) -> Response:
    with request_context(app_of(request), request) as ctx:
        user = ctx.require_user()
        ctx.require(roles.can_manage_users(user))
        return ctx.render("users.html.j2", users=ctx.db.query(User).order_by(User.name).all(),
                          roles=roles.ROLES, problems=[])


@router.post("/users")
def add_user(request: Request, form: Form) -> Response:
    with acting(request, form, roles.can_manage_users) as (ctx, user):
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

    with acting(request, form, roles.can_manage_users) as (ctx, admin):
        target = ctx.db.get(User, user_id)
        if target is None or target.id == admin.id:
            raise Refused(400, "web.error.not_allowed_on_self")
        target.active = form.get("active") == "1"
        record(ctx.db, admin.name, "user.active" if target.active else "user.inactive",
               subject=target.name)
        return ctx.redirect("/users")
