"""Who may do what. Checked on the server for every action; the pages only hide what a role
cannot do, they never decide it."""

from __future__ import annotations

from secreview.store.models import System, User

PROJECT_LEAD, SECURITY_OFFICER, MANAGEMENT, ADMIN = ROLES = (
    "project_lead", "security_officer", "management", "admin")


def can_create(user: User) -> bool:
    return user.role in (PROJECT_LEAD, SECURITY_OFFICER)


def can_edit(user: User, system: System) -> bool:
    """Project leads edit the systems they created; the security officer edits any."""
    if user.role == SECURITY_OFFICER:
        return True
    return user.role == PROJECT_LEAD and system.created_by == user.id


def can_sign(user: User) -> bool:
    return user.role == SECURITY_OFFICER


def can_manage_waivers(user: User) -> bool:
    return user.role == SECURITY_OFFICER


def can_decide(user: User) -> bool:
    return user.role == MANAGEMENT


def can_manage_users(user: User) -> bool:
    return user.role == ADMIN
