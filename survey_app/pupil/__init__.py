"""The pupil's survey: start with a class code, answer the pages, submit."""

from flask import Blueprint

bp = Blueprint("pupil", __name__)

from survey_app.pupil import views  # noqa: E402,F401
