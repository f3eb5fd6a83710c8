"""The workspace's pages. Every handler runs in one transaction
(:func:`~secreview.web.context.request_context`), checks the role on the server and the CSRF token
on every POST, and renders escaped templates; forms post plain HTML (they work without
JavaScript), and ``/systems/{id}/answers`` is the script's autosave."""

from __future__ import annotations

from fastapi import APIRouter

from secreview.web.pages import auth, questionnaire, register, system, workbooks

ROUTERS: tuple[APIRouter, ...] = (auth.router, register.router, system.router,
                                  questionnaire.router, workbooks.router)
