"""Admin pages: waves, their classes (one by one or from a CSV list), open/close."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from survey_app.admin import bp
from survey_app.admin.forms import (ClassForm, ClassListConfirmForm, ClassListUploadForm,
                                    WaveForm)
from survey_app.admin.views_areas import municipality_choices
from survey_app.auth.helpers import actor_id, choices, show_error
from survey_app.extensions import db
from survey_app.models import Region, Wave
from survey_app.services import class_lists, csv_upload, monitoring, schools
from survey_app.services.errors import InvalidInput
from survey_app.services.waves import create_wave, invalid_questionnaires, questionnaire_choices


@bp.route("/waves")
def waves():
    """Every wave, newest first."""
    rows = db.session.scalars(select(Wave).order_by(Wave.opens_on.desc(), Wave.name))
    return render_template("staff/admin/waves.html", waves=list(rows))


def _wave_form() -> WaveForm:
    form = WaveForm()
    form.questionnaire.choices = choices(
        questionnaire_choices(current_app.config.get("QUESTIONNAIRE_DIRS")))
    none = [("", "—")]
    form.municipality_id.choices = choices(none + municipality_choices())
    form.region_id.choices = choices(none + [(r.id, r.name) for r in
                                     db.session.scalars(select(Region).order_by(Region.name))])
    return form


@bp.route("/waves/new", methods=["GET", "POST"])
def new_wave():
    """Set up a wave: questionnaire version, area, grades and dates."""
    form = _wave_form()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            wave = create_wave(
                db.session, actor_id(), name=form.name.data,
                questionnaire=form.questionnaire.data,
                extra_dirs=current_app.config.get("QUESTIONNAIRE_DIRS"),
                municipality_id=form.municipality_id.data, region_id=form.region_id.data,
                grade_min=form.grade_min.data, grade_max=form.grade_max.data,
                opens_on=form.opens_on.data, closes_on=form.closes_on.data)
        except InvalidInput as error:
            db.session.rollback()
            problems = show_error(form, error)
        else:
            db.session.commit()
            flash(_("Wave created. Add its classes next."), "success")
            return redirect(url_for("admin.wave", wave_id=wave.id))
    status = 422 if form.errors or problems else 200
    invalid = invalid_questionnaires(current_app.config.get("QUESTIONNAIRE_DIRS"))
    return render_template("staff/admin/wave_new.html", form=form, problems=problems,
                           invalid=invalid), status


def _school_choices(wave: Wave) -> list:
    return choices([(s.id, s.name) for s in schools.wave_schools(db.session, wave)])


def _wave_page(wave: Wave, class_form: ClassForm | None = None, problems=(), status=200):
    class_form = class_form or ClassForm(formdata=None)
    class_form.school_id.choices = _school_choices(wave)
    rows = monitoring.class_rows(db.session, wave.id)
    return render_template("staff/admin/wave.html", wave=wave, class_form=class_form,
                           rows=rows, total=monitoring.total(rows), problems=problems,
                           today=dt.date.today(),
                           upload_form=ClassListUploadForm(formdata=None)), status


@bp.route("/waves/<int:wave_id>")
def wave(wave_id: int):
    """A wave's settings, its classes with their figures, and forms to change them."""
    return _wave_page(db.session.get(Wave, wave_id) or abort(404))


@bp.route("/waves/<int:wave_id>/classes", methods=["POST"])
def add_class(wave_id: int):
    """Add one class to a wave."""
    wave = db.session.get(Wave, wave_id) or abort(404)
    form = ClassForm()
    form.school_id.choices = _school_choices(wave)
    if not form.validate_on_submit():
        return _wave_page(wave, form, status=422)
    try:
        schools.create_class(db.session, actor_id(), wave.id, form.school_id.data,
                             form.name.data, form.grade.data, form.enrolled.data)
    except InvalidInput as error:
        db.session.rollback()
        return _wave_page(wave, form, show_error(form, error), status=422)
    db.session.commit()
    flash(_("Class added."), "success")
    return redirect(url_for("admin.wave", wave_id=wave.id))


@bp.route("/waves/<int:wave_id>/classes/import", methods=["GET", "POST"])
def import_classes(wave_id: int):
    """Upload a CSV class list; show what would be imported and every problem."""
    wave = db.session.get(Wave, wave_id) or abort(404)
    form = ClassListUploadForm()
    preview = None
    if form.validate_on_submit():
        text = csv_upload.decode_text(form.file.data.read())
        preview = class_lists.preview_class_list(db.session, wave.id, text)
        if not preview.ok:
            form.file.errors.append(_("The file cannot be imported; nothing was changed. "
                                      "Please correct the problems below and upload it again."))
        confirm = ClassListConfirmForm(formdata=None, content=text)
        status = 200 if preview.ok else 422
        return render_template("staff/admin/class_import.html", wave=wave, form=form,
                               preview=preview, confirm=confirm), status
    status = 422 if form.errors else 200
    return render_template("staff/admin/class_import.html", wave=wave, form=form,
                           preview=preview, confirm=None), status


@bp.route("/waves/<int:wave_id>/classes/import/confirm", methods=["POST"])
def confirm_import_classes(wave_id: int):
    """Import a previewed class list (checked again: the data may have changed since)."""
    wave = db.session.get(Wave, wave_id) or abort(404)
    form = ClassListConfirmForm()
    if not form.validate_on_submit():
        flash(_("Nothing to import. Please upload the file again."), "error")
        return redirect(url_for("admin.import_classes", wave_id=wave.id))
    try:
        count = class_lists.import_class_list(db.session, actor_id(), wave.id, form.content.data)
    except InvalidInput:
        db.session.rollback()
        flash(_("The class list no longer fits this wave; nothing was imported. Please upload "
                "it again to see why."), "error")
        return redirect(url_for("admin.import_classes", wave_id=wave.id))
    db.session.commit()
    flash(ngettext("%(num)d class imported.", "%(num)d classes imported.", count), "success")
    return redirect(url_for("admin.wave", wave_id=wave.id))

