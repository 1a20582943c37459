"""School coordinators' pages: response rates, code sheets, closing classes.

Admins may use every page for every school; a coordinator only for their
own schools (another school's class is answered with 404).
"""

from flask import Blueprint

from survey_app.auth.roles import require_roles

bp = Blueprint("school", __name__, url_prefix="/school")


@bp.before_request
def _staff_of_schools_only():
    return require_roles("admin", "coordinator")


from survey_app.school import views  # noqa: E402,F401
