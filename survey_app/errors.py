"""Friendly error pages: a user never sees a traceback, nor an English server message.

The texts of the pages live in ``templates/error.html`` (one per status code, in
every interface language); the library's own descriptions (English) are never
shown. Staff URLs get the staff layout with its navigation, pupils the pupil one.
"""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

#: URL prefixes of the staff side (their error pages use the staff layout).
STAFF_PREFIXES = ("/admin", "/school", "/staff", "/planner")


def is_staff_page() -> bool:
    """Whether the current request is for a staff page (by its path: a 404 has no view)."""
    return request.path.startswith(STAFF_PREFIXES)


def error_page(code: int, reason: str | None = None):
    """The error page for ``code`` (``reason`` picks a more specific text, e.g. ``csrf``)."""
    return render_template("error.html", code=code, reason=reason,
                           staff_page=is_staff_page()), code


def register_error_handlers(app: Flask) -> None:
    """Render every HTTP error, and any unexpected exception, as a plain page."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(400, "csrf")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_page(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error")  # logs the traceback, never shown to users
        return error_page(500)
