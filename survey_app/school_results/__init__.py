"""School results for coordinators (issue 10, item 7): their school against the city.

Admins and coordinators only; a coordinator sees only their own schools
(another school's page answers 404).
"""

from flask import Blueprint

from survey_app.auth.roles import require_roles

bp = Blueprint("school_results", __name__, url_prefix="/school/results")


@bp.before_request
def _staff_of_schools_only():
    return require_roles("admin", "coordinator")


from survey_app.school_results import views  # noqa: E402,F401
