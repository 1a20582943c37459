"""Admin pages: overview, regions and municipalities, districts, schools."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from survey_app.admin import bp
from survey_app.admin import district_preview
from survey_app.admin.district_forms import DistrictUploadForm
from survey_app.admin.forms import MunicipalityForm, RegionForm, SchoolForm, school_type_choices
from survey_app.auth.helpers import actor_id, choices, show_error
from survey_app.extensions import db
from survey_app.models import District, Municipality, Region, School, StaffUser, Wave
from survey_app.services import geography, pending_uploads, schools
from survey_app.services.errors import InvalidInput


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@bp.route("/")
def index():
    """What is set up, with links to each part."""
    counts = {name: _count(model) for name, model in (
        ("regions", Region), ("municipalities", Municipality), ("districts", District),
        ("schools", School), ("waves", Wave), ("accounts", StaffUser))}
    return render_template("staff/admin/index.html", counts=counts)


def municipality_choices() -> list[tuple[int, str]]:
    """(id, "name (region)") of every municipality, for select fields."""
    rows = db.session.execute(select(Municipality.id, Municipality.name, Region.name)
                              .join(Region).order_by(Region.name, Municipality.name))
    return [(mid, f"{name} ({region})") for mid, name, region in rows]


def _areas_page(region_form=None, municipality_form=None, problems=()):
    region_form = region_form or RegionForm(formdata=None)
    municipality_form = municipality_form or MunicipalityForm(formdata=None)
    regions = list(db.session.scalars(select(Region).order_by(Region.name)))
    municipality_form.region_id.choices = choices([(r.id, r.name) for r in regions])
    return render_template("staff/admin/areas.html", regions=regions, region_form=region_form,
                           municipality_form=municipality_form, problems=problems)


@bp.route("/areas")
def areas():
    """Regions with their municipalities and districts."""
    return _areas_page()


@bp.route("/regions", methods=["POST"])
def add_region():
    """Add a region."""
    form = RegionForm()
    if form.validate_on_submit():
        try:
            geography.create_region(db.session, actor_id(), form.name.data)
        except InvalidInput as error:
            db.session.rollback()
            return _areas_page(region_form=form, problems=show_error(form, error)), 422
        db.session.commit()
        flash(_("Region added."), "success")
        return redirect(url_for("admin.areas"))
    return _areas_page(region_form=form), 422


@bp.route("/municipalities", methods=["POST"])
def add_municipality():
    """Add a municipality to a region."""
    form = MunicipalityForm()
    form.region_id.choices = choices([(r.id, r.name) for r in db.session.scalars(select(Region))])
    if form.validate_on_submit():
        try:
            geography.create_municipality(db.session, actor_id(), form.region_id.data,
                                          form.name.data)
        except InvalidInput as error:
            db.session.rollback()
            return _areas_page(municipality_form=form, problems=show_error(form, error)), 422
        db.session.commit()
        flash(_("Municipality added."), "success")
        return redirect(url_for("admin.areas"))
    return _areas_page(municipality_form=form), 422


@bp.route("/municipalities/<int:municipality_id>/districts", methods=["GET", "POST"])
def districts(municipality_id: int):
    """A municipality's districts, and the district import (upload, then a preview)."""
    municipality = db.session.get(Municipality, municipality_id) or abort(404)
    form = DistrictUploadForm()
    if form.validate_on_submit():
        data, filename = form.file.data.read(), form.file.data.filename or ""
        token = pending_uploads.keep(current_app.instance_path, data, filename,
                                     replaces=(session.get("district_upload") or {}).get("token"))
        session["district_upload"] = {"token": token, "municipality": municipality.id}
        return district_preview.show(municipality, data, filename, crs=form.crs.data or None)
    status = 422 if form.errors else 200
    return render_template("staff/admin/districts.html", municipality=municipality, form=form,
                           problems=[]), status


@bp.route("/municipalities/<int:municipality_id>/districts/preview", methods=["POST"])
def district_import_preview(municipality_id: int):
    """The uploaded districts on a map with the chosen fields; save them, or choose again."""
    municipality = db.session.get(Municipality, municipality_id) or abort(404)
    upload = session.get("district_upload") or {}
    stored = (pending_uploads.load(current_app.instance_path, upload.get("token"))
              if upload.get("municipality") == municipality.id else None)
    if stored is None:
        flash(_("The uploaded file is no longer there: please upload it again."), "error")
        return redirect(url_for("admin.districts", municipality_id=municipality.id), 303)
    return district_preview.choose_or_save(municipality, *stored, token=upload["token"])


@bp.route("/schools", methods=["GET", "POST"], endpoint="schools")
def schools_page():
    """Every school, and a form to add one."""
    form = SchoolForm()
    form.municipality_id.choices = choices(municipality_choices())
    form.school_type.choices = school_type_choices()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            schools.create_school(db.session, actor_id(), form.municipality_id.data,
                                  form.name.data, form.number.data, form.school_type.data)
        except InvalidInput as error:
            db.session.rollback()
            problems = show_error(form, error)
        else:
            db.session.commit()
            flash(_("School added."), "success")
            return redirect(url_for("admin.schools"))
    rows = db.session.execute(select(School, Municipality.name).join(Municipality)
                              .order_by(Municipality.name, School.name)).all()
    status = 422 if form.errors or problems else 200
    return render_template("staff/admin/schools.html", form=form, rows=rows,
                           problems=problems), status

