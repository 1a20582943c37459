"""Staff sign-in: Flask-Login with server-side logout and session timeouts.

Pupils never log in (they use one-time codes); everything here is for the
city's survey team, school coordinators and planners.
"""

from flask import Blueprint

from survey_app.auth.session import login_manager

bp = Blueprint("auth", __name__, url_prefix="/staff")

from survey_app.auth import views  # noqa: E402,F401

__all__ = ["bp", "login_manager"]
