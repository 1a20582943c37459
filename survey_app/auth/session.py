"""Staff sessions: who is logged in, and when a session ends.

The session cookie carries ``"<user id>:<session token>"``. The token is
replaced at every login and cleared at logout (and when an account is
deactivated or its password changes), so a cookie copied before logout is
refused afterwards. Idle and absolute timeouts are checked on every request;
a page's automatic reload does not count as activity.
"""

from __future__ import annotations

import hmac
import secrets
import time

from flask import current_app, flash, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user, logout_user

from survey_app.extensions import db
from survey_app.models import StaffUser

#: Defaults: ``survey_app.config.STAFF_DEFAULTS`` (env ``STAFF_IDLE_MINUTES`` /
#: ``STAFF_SESSION_HOURS``, validated by ``build_config``).

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"


def _limits() -> tuple[float, float]:
    config = current_app.config
    idle = float(config["STAFF_IDLE_MINUTES"]) * 60
    absolute = float(config["STAFF_SESSION_HOURS"]) * 3600
    return idle, absolute


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    """The user of this session, or ``None`` if the session is no longer valid."""
    id_part, _, token = user_id.partition(":")
    if not id_part.isdigit() or not token:
        return None
    user = db.session.get(StaffUser, int(id_part))
    if (user is None or not user.active or not user.session_token
            or not hmac.compare_digest(token, user.session_token)):
        return None
    now = time.time()
    idle, absolute = _limits()
    if (now - session.get("staff_seen_at", 0) > idle
            or now - session.get("staff_login_at", 0) > absolute):
        lang = session.get("lang")
        session.clear()
        if lang:  # as when logging in: only the chosen interface language is kept
            session["lang"] = lang
        flash(_l("Your session has expired. Please log in again."), "info")
        return None
    if not is_automatic_reload():
        session["staff_seen_at"] = now
    return user


def is_automatic_reload() -> bool:
    """Whether the request is a page's own timed reload (``?auto_refresh=1``).

    The response-rate pages reload themselves while a wave is open; such a
    reload is not activity of the person, so it must not keep a forgotten
    session alive past the idle timeout.
    """
    return request.args.get("auto_refresh") == "1"


def start_session(user: StaffUser) -> None:
    """Log ``user`` in with a fresh session and a new server-side token.

    The old session's contents (for example a pupil's response on a shared
    computer) are dropped, so nothing carries over into the staff session;
    only the chosen interface language is kept.
    """
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    user.session_token = secrets.token_urlsafe(32)
    login_user(user)
    now = time.time()
    session["staff_login_at"] = session["staff_seen_at"] = now


def end_session(user: StaffUser | None) -> None:
    """Log out: forget the token on the server and clear the cookie's session."""
    if user is not None:
        user.session_token = None
    logout_user()
    session.clear()
