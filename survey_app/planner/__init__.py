"""Planners' pages: a released wave's results by district, as a map, a table and downloads.

Planners see the municipalities assigned to them (one by one or through their
region); admins see every municipality. Another municipality's results are
answered with 404. Every figure comes from the stored, released results.
"""

from flask import Blueprint

from survey_app.auth.roles import require_roles

bp = Blueprint("planner", __name__, url_prefix="/planner")


@bp.before_request
def _planners_only():
    return require_roles("admin", "planner")


from survey_app.planner import views  # noqa: E402,F401
from survey_app.reports import views as _reports_views  # noqa: E402,F401
