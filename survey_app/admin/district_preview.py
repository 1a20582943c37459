"""The district import's preview: read the kept upload, show it on a map, save on request.

Helpers of the views in :mod:`survey_app.admin.views_areas` (they stay thin):
reading the file and checking the districts are services; this module turns
them into the preview page.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from survey_app.admin.district_forms import DistrictFieldsForm
from survey_app.auth.helpers import actor_id
from survey_app.extensions import db
from survey_app.models import Municipality
from survey_app.services import pending_uploads
from survey_app.services.district_files import DistrictTable, UnreadableFile, read_table
from survey_app.services.district_import import (FieldChoice, existing_match, guess_fields,
                                                 import_districts, plan_districts)
from survey_app.services.errors import InvalidInput
from survey_app.services.svg_map import draw


def show(municipality: Municipality, data: bytes, filename: str, crs: str | None = None):
    """The preview right after the upload, with the fields guessed."""
    try:
        table = read_table(data, filename, crs=crs)
    except UnreadableFile as error:
        return _unreadable(municipality, error)
    fields = guess_fields(table)
    form = DistrictFieldsForm(formdata=None, data={
        "name_field": fields.name or "", "number_field": fields.number or "",
        "places_field": fields.places or "", "layer": table.layer or "", "crs": crs or ""})
    form.set_fields(table.fields, table.layers)
    return _page(municipality, table, fields, form, filename)


def choose_or_save(municipality: Municipality, data: bytes, filename: str, token: str):
    """The preview again with the admin's choices, or the import when they press save."""
    form = DistrictFieldsForm()
    try:
        table = read_table(data, filename, crs=form.crs.data or None,
                           layer=form.layer.data or None)
    except UnreadableFile as error:
        return _unreadable(municipality, error)
    form.set_fields(table.fields, table.layers)
    if not form.validate_on_submit():
        return _page(municipality, table, guess_fields(table), form, filename, status=422)
    fields = FieldChoice(form.name_field.data or None, form.number_field.data or None,
                         form.places_field.data or None)
    if not form.save.data:
        return _page(municipality, table, fields, form, filename)
    try:
        added, updated = import_districts(db.session, actor_id(), municipality.id, table, fields)
    except InvalidInput as error:
        db.session.rollback()
        return _page(municipality, table, fields, form, filename, status=422,
                     message=error.message, known_problems=error.problems)
    db.session.commit()
    pending_uploads.discard(current_app.instance_path, token)
    session.pop("district_upload", None)
    flash(_("Districts imported: %(added)d added, %(updated)d updated.",
            added=added, updated=updated), "success")
    return redirect(url_for("admin.districts", municipality_id=municipality.id), 303)


def _unreadable(municipality: Municipality, error: UnreadableFile):
    from survey_app.admin.district_forms import DistrictUploadForm

    form = DistrictUploadForm(formdata=None)
    form.file.errors = [_("The file was not imported.")]
    return render_template("staff/admin/districts.html", municipality=municipality, form=form,
                           problems=error.problems), 422


def _page(municipality: Municipality, table: DistrictTable, fields: FieldChoice,
          form: DistrictFieldsForm, filename: str, status: int | None = None,
          message: str | None = None, known_problems: list[str] | None = None):
    features, problems = plan_districts(table, fields)
    problems = known_problems or problems
    existing = list(municipality.districts)
    rows = [{"feature": f, "updates": existing_match(existing, f)} for f in features]
    drawn = draw((str(i), f.name, f.geometry) for i, f in enumerate(features) if f.geometry)
    summary = ngettext("%(num)d district in the file", "%(num)d districts in the file",
                       len(table.rows))
    if problems and message is None:
        message = ngettext("The file cannot be imported like this: %(num)d problem.",
                           "The file cannot be imported like this: %(num)d problems.",
                           len(problems))
    return render_template(
        "staff/admin/district_preview.html", municipality=municipality, table=table,
        fields=fields, form=form, filename=filename, rows=rows, problems=problems,
        message=message, map_=drawn, summary=summary,
    ), status or (422 if problems else 200)
