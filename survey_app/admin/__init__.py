"""The city survey team's pages: areas, schools and classes, waves, accounts, audit log.

Every route of this blueprint is for admins only; the check runs before any
view, so a route added later is protected too.
"""

from flask import Blueprint

from survey_app.auth.roles import require_roles

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only():
    return require_roles("admin")


from survey_app.admin import (views_areas, views_audit, views_edit, views_results,  # noqa: E402,F401
                              views_schools, views_users, views_wave_settings, views_waves)
