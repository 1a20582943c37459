"""Admin pages: correct or delete regions, municipalities, districts, schools and classes.

Each record has one page with a correction form and a delete button. Deleting
is refused with a message while other records depend on the record (the
services check; the database's RESTRICT foreign keys only back them up).
"""

from __future__ import annotations

from typing import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from survey_app.admin import bp
from survey_app.admin.forms import (ClassEditForm, DeleteForm, DistrictForm, NameForm,
                                    SchoolEditForm, school_type_choices)
from survey_app.auth.helpers import actor_id, show_error
from survey_app.extensions import db
from survey_app.models import District, Municipality, Region, School, SchoolClass
from survey_app.services import geography, schools
from survey_app.services.errors import InvalidInput


def _shown(values: dict) -> dict:
    """The record's current values for a form shown, none for a form sent (it has its own)."""
    return {"data": values} if request.method == "GET" else {}


def _page(form: FlaskForm, heading: str, back_url: str, delete_url: str, context: str = "",
          problems=(), status: int = 200):
    return render_template("staff/admin/edit.html", form=form, heading=heading,
                           context=context, back_url=back_url, delete_url=delete_url,
                           delete_form=DeleteForm(formdata=None), problems=problems), status


def _edit(form: FlaskForm, save: Callable[[], object], saved: str, page: dict):
    """Validate, save through the service, commit once; or show the errors."""
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            save()
        except InvalidInput as error:
            db.session.rollback()
            problems = show_error(form, error)
        else:
            db.session.commit()
            flash(saved, "success")
            return redirect(page["back_url"])
    status = 422 if form.errors or problems else 200
    return _page(form, problems=problems, status=status, **page)


def _delete(form: FlaskForm, remove: Callable[[], None], deleted: str, page: dict):
    """Delete through the service; a refusal is shown on the record's page."""
    if not DeleteForm().validate_on_submit():
        return _page(form, problems=[_("The form has expired. Please try again.")],
                     status=422, **page)
    try:
        remove()
    except InvalidInput as error:
        db.session.rollback()
        return _page(form, problems=[error.message], status=422, **page)
    db.session.commit()
    flash(deleted, "success")
    return redirect(page["back_url"])


# --- regions -------------------------------------------------------------------------------

def _region_page(region: Region) -> dict:
    return {"heading": _("Region %(name)s", name=region.name),
            "back_url": url_for("admin.areas"),
            "delete_url": url_for("admin.delete_region", region_id=region.id)}


@bp.route("/regions/<int:region_id>", methods=["GET", "POST"])
def edit_region(region_id: int):
    """Rename a region."""
    region = db.session.get(Region, region_id) or abort(404)
    form = NameForm(**_shown({"name": region.name}))
    return _edit(form, lambda: geography.update_region(db.session, actor_id(), region.id,
                                                       form.name.data),
                 _("Region saved."), _region_page(region))


@bp.route("/regions/<int:region_id>/delete", methods=["POST"])
def delete_region(region_id: int):
    """Delete a region without municipalities and waves."""
    region = db.session.get(Region, region_id) or abort(404)
    return _delete(NameForm(formdata=None, data={"name": region.name}),
                   lambda: geography.delete_region(db.session, actor_id(), region.id),
                   _("Region deleted."), _region_page(region))


# --- municipalities ------------------------------------------------------------------------

def _municipality_page(municipality: Municipality) -> dict:
    return {"heading": _("Municipality %(name)s", name=municipality.name),
            "context": _("Region: %(name)s", name=municipality.region.name),
            "back_url": url_for("admin.areas"),
            "delete_url": url_for("admin.delete_municipality",
                                  municipality_id=municipality.id)}


@bp.route("/municipalities/<int:municipality_id>", methods=["GET", "POST"])
def edit_municipality(municipality_id: int):
    """Rename a municipality."""
    municipality = db.session.get(Municipality, municipality_id) or abort(404)
    form = NameForm(**_shown({"name": municipality.name}))
    return _edit(form, lambda: geography.update_municipality(
        db.session, actor_id(), municipality.id, form.name.data),
        _("Municipality saved."), _municipality_page(municipality))


@bp.route("/municipalities/<int:municipality_id>/delete", methods=["POST"])
def delete_municipality(municipality_id: int):
    """Delete a municipality without schools, districts, waves and planners."""
    municipality = db.session.get(Municipality, municipality_id) or abort(404)
    return _delete(NameForm(formdata=None, data={"name": municipality.name}),
                   lambda: geography.delete_municipality(db.session, actor_id(),
                                                         municipality.id),
                   _("Municipality deleted."), _municipality_page(municipality))


# --- districts -----------------------------------------------------------------------------

def _district_page(district: District) -> dict:
    return {"heading": _("District %(name)s", name=district.name),
            "context": _("Municipality: %(name)s", name=district.municipality.name),
            "back_url": url_for("admin.districts", municipality_id=district.municipality_id),
            "delete_url": url_for("admin.delete_district", district_id=district.id)}


@bp.route("/districts/<int:district_id>", methods=["GET", "POST"])
def edit_district(district_id: int):
    """Correct a district's code and name."""
    district = db.session.get(District, district_id) or abort(404)
    form = DistrictForm(**_shown({"code": district.code, "name": district.name}))
    return _edit(form, lambda: geography.update_district(
        db.session, actor_id(), district.id, form.code.data, form.name.data),
        _("District saved."), _district_page(district))


@bp.route("/districts/<int:district_id>/delete", methods=["POST"])
def delete_district(district_id: int):
    """Delete a district no pupil has chosen."""
    district = db.session.get(District, district_id) or abort(404)
    return _delete(DistrictForm(formdata=None, data={"code": district.code,
                                                     "name": district.name}),
                   lambda: geography.delete_district(db.session, actor_id(), district.id),
                   _("District deleted."), _district_page(district))


# --- schools -------------------------------------------------------------------------------

def _school_page(school: School) -> dict:
    return {"heading": _("School %(name)s", name=school.name),
            "context": _("Municipality: %(name)s", name=school.municipality.name),
            "back_url": url_for("admin.schools"),
            "delete_url": url_for("admin.delete_school", school_id=school.id)}


def _school_data(school: School) -> dict:
    return {"name": school.name, "number": school.number or "",
            "school_type": school.school_type or ""}


@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
def edit_school(school_id: int):
    """Correct a school's name, school number and type."""
    school = db.session.get(School, school_id) or abort(404)
    form = SchoolEditForm(**_shown(_school_data(school)))
    form.school_type.choices = school_type_choices()
    return _edit(form, lambda: schools.update_school(
        db.session, actor_id(), school.id, form.name.data, form.number.data,
        form.school_type.data), _("School saved."), _school_page(school))


@bp.route("/schools/<int:school_id>/delete", methods=["POST"])
def delete_school(school_id: int):
    """Delete a school without classes and coordinators."""
    school = db.session.get(School, school_id) or abort(404)
    form = SchoolEditForm(formdata=None, data=_school_data(school))
    form.school_type.choices = school_type_choices()
    return _delete(form, lambda: schools.delete_school(db.session, actor_id(), school.id),
                   _("School deleted."), _school_page(school))


# --- classes -------------------------------------------------------------------------------

def _class_page(school_class: SchoolClass) -> dict:
    wave = school_class.wave
    return {"heading": _("Class %(name)s of %(school)s", name=school_class.name,
                         school=school_class.school.name),
            "context": _("Wave %(wave)s, grades %(lo)d-%(hi)d", wave=wave.name,
                         lo=wave.grade_min, hi=wave.grade_max),
            "back_url": url_for("admin.wave", wave_id=wave.id),
            "delete_url": url_for("admin.delete_class", class_id=school_class.id)}


def _class_data(school_class: SchoolClass) -> dict:
    return {"name": school_class.name, "grade": school_class.grade,
            "enrolled": school_class.enrolled}


@bp.route("/classes/<int:class_id>", methods=["GET", "POST"])
def edit_class(class_id: int):
    """Correct a class's name, grade and pupils enrolled (the response-rate denominator)."""
    school_class = db.session.get(SchoolClass, class_id) or abort(404)
    form = ClassEditForm(**_shown(_class_data(school_class)))
    return _edit(form, lambda: schools.update_class(
        db.session, actor_id(), school_class.id, form.name.data, form.grade.data,
        form.enrolled.data), _("Class saved."), _class_page(school_class))


@bp.route("/classes/<int:class_id>/delete", methods=["POST"])
def delete_class(class_id: int):
    """Delete a class without codes."""
    school_class = db.session.get(SchoolClass, class_id) or abort(404)
    return _delete(ClassEditForm(formdata=None, data=_class_data(school_class)),
                   lambda: schools.delete_class(db.session, actor_id(), school_class.id),
                   _("Class deleted."), _class_page(school_class))
