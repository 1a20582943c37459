"""Friendly error pages: a user never sees a traceback."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError


def register_error_handlers(app: Flask) -> None:
    """Render every HTTP error, and any unexpected exception, as a plain page."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template(
            "error.html", code=400, message="The form was out of date. Please go back and try again."
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("error.html", code=error.code, message=error.description), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error")  # logs the traceback, never shown to users
        return render_template(
            "error.html", code=500, message=InternalServerError.description
        ), 500
