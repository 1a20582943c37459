"""Admin page: import or update a municipality's schools from a CSV list."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import ngettext

from survey_app.admin import bp
from survey_app.admin.forms import SchoolImportForm
from survey_app.admin.views_areas import municipality_choices
from survey_app.auth.helpers import actor_id, choices, show_error
from survey_app.extensions import db
from survey_app.models.schools import SCHOOL_TYPES
from survey_app.services.csv_upload import decode_text
from survey_app.services.errors import InvalidInput
from survey_app.services.school_imports import import_schools


@bp.route("/schools/import", methods=["GET", "POST"], endpoint="import_schools")
def import_schools_page():
    """Upload a school list; all of it is imported, or nothing and every problem is shown."""
    form = SchoolImportForm()
    form.municipality_id.choices = choices(municipality_choices())
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            added, updated = import_schools(db.session, actor_id(), form.municipality_id.data,
                                            decode_text(form.file.data.read()))
        except InvalidInput as error:
            db.session.rollback()
            problems = show_error(form, error)
        else:
            db.session.commit()
            flash(ngettext("%(num)d school added", "%(num)d schools added", added) + ", " +
                  ngettext("%(num)d school updated.", "%(num)d schools updated.", updated),
                  "success")
            return redirect(url_for("admin.schools"))
    status = 422 if form.errors or problems else 200
    return render_template("staff/admin/school_import.html", form=form, problems=problems,
                           school_types=SCHOOL_TYPES), status
