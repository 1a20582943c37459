"""Import district indicators from a CSV file: preview with a report per row, then import."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from survey_app.auth.helpers import actor_id
from survey_app.extensions import db
from survey_app.models import District, DistrictIndicator, Municipality
from survey_app.planner_insights import bp
from survey_app.planner_insights.forms import IndicatorConfirmForm, IndicatorUploadForm
from survey_app.services import indicator_import
from survey_app.services.errors import InvalidInput
from survey_app.services.planner_scope import visible_municipality_ids


def _stored():
    """Indicators stored for the user's municipalities: (municipality, indicator, year, n)."""
    allowed = visible_municipality_ids(current_user)
    query = (select(Municipality.name, DistrictIndicator.indicator, DistrictIndicator.year,
                    func.count(DistrictIndicator.id))
             .join(District, District.id == DistrictIndicator.district_id)
             .join(Municipality, Municipality.id == District.municipality_id)
             .group_by(Municipality.name, DistrictIndicator.indicator, DistrictIndicator.year)
             .order_by(Municipality.name, DistrictIndicator.indicator,
                       DistrictIndicator.year.desc()))
    if allowed is not None:
        query = query.where(Municipality.id.in_(allowed))
    return db.session.execute(query).all()


@bp.route("/indicators", methods=["GET", "POST"])
def indicators():
    """Upload a CSV of district indicators; show what would be imported and every problem."""
    form = IndicatorUploadForm()
    preview, confirm, status = None, None, 200
    if form.validate_on_submit():
        text = indicator_import.decode(form.file.data.read())
        preview = indicator_import.preview_indicators(
            db.session, visible_municipality_ids(current_user), text)
        if not preview.ok:
            form.file.errors.append(_("The file cannot be imported; nothing was changed. "
                                      "Please correct the problems below and upload it again."))
            status = 422
        confirm = IndicatorConfirmForm(formdata=None, content=text)
    elif form.errors:
        status = 422
    return render_template("staff/planner/indicator_import.html", form=form, preview=preview,
                           confirm=confirm, stored=_stored()), status


@bp.route("/indicators/confirm", methods=["POST"])
def confirm_indicators():
    """Import a previewed file (checked again: the districts may have changed since)."""
    form = IndicatorConfirmForm()
    if not form.validate_on_submit():
        flash(_("Nothing to import. Please upload the file again."), "error")
        return redirect(url_for("insights.indicators"))
    try:
        added, replaced = indicator_import.import_indicators(
            db.session, actor_id(), visible_municipality_ids(current_user), form.content.data)
    except InvalidInput:
        db.session.rollback()
        flash(_("The file no longer fits the districts; nothing was imported. Please upload "
                "it again to see why."), "error")
        return redirect(url_for("insights.indicators"))
    db.session.commit()
    flash(ngettext("%(added)d value imported, %(replaced)d replaced.",
                     "%(added)d values imported, %(replaced)d replaced.", added, added=added,
            replaced=replaced), "success")
    return redirect(url_for("insights.indicators"))
