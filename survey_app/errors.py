"""Friendly error pages: a user never sees a traceback, nor an English server message.

The texts of the pages live in ``templates/error.html`` (one per status code, in
every interface language); the library's own descriptions (English) are never
shown. Staff URLs get the staff layout with its navigation, pupils the pupil one.
"""

from __future__ import annotations

import contextlib

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from survey_app.extensions import db

#: URL prefixes of the staff side (their error pages use the staff layout).
STAFF_PREFIXES = ("/admin", "/school", "/staff", "/planner")
#: Seconds a client is asked to wait (``Retry-After``) while the database is unavailable.
DATABASE_RETRY_SECONDS = 10


def is_staff_page() -> bool:
    """Whether the current request is for a staff page (by its path: a 404 has no view)."""
    return request.path.startswith(STAFF_PREFIXES)


def error_page(code: int, reason: str | None = None):
    """The error page for ``code`` (``reason`` picks a more specific text, e.g. ``csrf``)."""
    return render_template("error.html", code=code, reason=reason,
                           staff_page=is_staff_page()), code


def _end_failed_transaction() -> None:
    """Roll back what failed, so that the error page may still read the signed-in account.

    Without it the staff layout's first look at the account raised again, and
    the user got the server's bare English error page instead of ours.
    """
    with contextlib.suppress(Exception):  # the database may be gone: nothing to roll back
        db.session.rollback()


def register_error_handlers(app: Flask) -> None:
    """Render every HTTP error, and any unexpected exception, as a plain page."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(400, "csrf")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_page(error.code or 500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeoutError)
    def database_unavailable(error: Exception):
        """The database is down, restarting, full or busy: ask to try again, it is not a bug.

        Nothing of the failed request was stored (its transaction is rolled back);
        what was saved before is kept. The page has the plain layout, since the
        staff layout would need the database to show the signed-in account.
        """
        cause = getattr(error, "orig", None) or error
        app.logger.error("database unavailable: %s", type(cause).__name__, exc_info=error)
        _end_failed_transaction()
        if "_login_user" not in g:  # Flask-Login's slot: every template would load the account
            g._login_user = current_app.login_manager.anonymous_user()
        page = render_template("error.html", code=503, staff_page=is_staff_page(),
                               plain_layout=True)
        return page, 503, {"Retry-After": str(DATABASE_RETRY_SECONDS)}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error")  # logs the traceback, never shown to users
        _end_failed_transaction()
        return error_page(500)
