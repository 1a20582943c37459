"""Planners' targeting, trends and region pages (issue 10, items 4-6 and 8).

Every route is for planners and admins only; each one then checks that the
municipality or region asked for is one of the user's
(:mod:`survey_app.services.planner_scope`) and answers 404 otherwise, so that
a planner of another city learns nothing, not even that the record exists.
"""

from flask import Blueprint

from survey_app.auth.roles import require_roles

bp = Blueprint("insights", __name__, url_prefix="/planner")


@bp.before_request
def _planners_only():
    return require_roles("admin", "planner")


from survey_app.planner_insights import (formatting, views_indicators, views_region,  # noqa: E402,F401
                                         views_targeting, views_trends)
