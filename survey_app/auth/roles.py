"""Who may do what: role checks and the schools a user may see.

Blueprints call :func:`require_roles` in ``before_request``, so that every
route of the blueprint is protected, including routes added later.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from survey_app.auth.session import login_manager


def require_roles(*roles: str):
    """Refuse the request unless a staff member with one of ``roles`` is logged in.

    Anonymous visitors (and pupils) are sent to the login page; logged-in
    staff with another role get 403.
    """
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in roles:
        abort(403)
    return None


def visible_school_ids(user) -> set[int] | None:
    """The ids of the schools ``user`` may see; ``None`` means all (admins)."""
    if user.role == "admin":
        return None
    if user.role == "coordinator":
        return {school.id for school in user.schools}
    return set()


def check_school(user, school_id: int) -> None:
    """404 unless ``user`` may see the school (404, not 403: reveal nothing)."""
    allowed = visible_school_ids(user)
    if allowed is not None and school_id not in allowed:
        abort(404)
