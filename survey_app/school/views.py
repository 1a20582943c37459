"""Coordinators' views: figures per wave, school and class; codes; closing a class."""

from __future__ import annotations

import re

from flask import (Response, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from survey_app.auth.helpers import actor_id, show_error
from survey_app.auth.roles import check_school, visible_school_ids
from survey_app.extensions import db
from survey_app.models import SchoolClass, Wave
from survey_app.school import bp
from survey_app.school.forms import (ConfirmForm, EnrolledForm, GenerateCodesForm,
                                     ReplaceCodeForm, VoidCodeForm)
from survey_app.services import codes, monitoring, schools
from survey_app.services.code_sheets import code_sheet_pdf, sheet_heading
from survey_app.services.errors import InvalidInput

#: Seconds between automatic reloads of the figures while a wave is open.
REFRESH_SECONDS = 30


def _scope() -> set[int] | None:
    return visible_school_ids(current_user)


@bp.route("/")
def index():
    """Every visible wave with its totals per school (city-wide for admins)."""
    scope = _scope()
    waves = []
    for wave in monitoring.visible_waves(db.session, scope):
        rows = monitoring.class_rows(db.session, wave.id, scope)
        waves.append((wave, monitoring.by_school(rows), monitoring.total(rows),
                      monitoring.by_school_type(rows)))
    refresh = any(entry[0].state == "open" for entry in waves)
    return render_template("staff/school/index.html", waves=waves,
                           refresh=REFRESH_SECONDS if refresh else None)


@bp.route("/waves/<int:wave_id>")
def wave(wave_id: int):
    """A wave's classes with slips issued, started, submitted and the response rate."""
    wave = db.session.get(Wave, wave_id) or abort(404)
    rows = monitoring.class_rows(db.session, wave.id, _scope())
    if not rows and _scope() is not None:
        abort(404)
    return render_template("staff/school/wave.html", wave=wave,
                           schools=monitoring.by_school(rows), total=monitoring.total(rows),
                           types=monitoring.by_school_type(rows),
                           refresh=REFRESH_SECONDS if wave.state == "open" else None)


def _class(class_id: int) -> SchoolClass:
    school_class = db.session.get(SchoolClass, class_id) or abort(404)
    check_school(current_user, school_class.school_id)
    return school_class


def _class_page(school_class: SchoolClass, forms: dict | None = None, problems=(),
                status: int = 200):
    forms = forms or {}
    row = monitoring.class_rows(db.session, school_class.wave_id, class_id=school_class.id)[0]
    return render_template(
        "staff/school/class.html", school_class=school_class, row=row, problems=problems,
        generate_form=forms.get("generate") or GenerateCodesForm(
            formdata=None, count=max(row.enrolled - row.issued, 1) if row.enrolled else 25),
        replace_form=forms.get("replace") or ReplaceCodeForm(formdata=None),
        void_form=forms.get("void") or VoidCodeForm(formdata=None),
        enrolled_form=forms.get("enrolled") or EnrolledForm(formdata=None,
                                                            enrolled=school_class.enrolled),
        confirm_form=ConfirmForm(formdata=None)), status


@bp.route("/classes/<int:class_id>")
def school_class(class_id: int):
    """One class: its figures and what a coordinator can do with its codes."""
    return _class_page(_class(class_id))


def survey_url() -> str:
    """The start page address printed on the slips (config, else this server's)."""
    return current_app.config.get("SURVEY_BASE_URL") or url_for("pupil.start", _external=True)


def _pdf(school_class: SchoolClass, plain: list[str], kind: str) -> Response:
    heading = sheet_heading(school_class, current_app.config.get("QUESTIONNAIRE_DIRS"))
    pdf = code_sheet_pdf(plain, survey_url(), heading)
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{school_class.school.name}-{school_class.name}")
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{kind}-{safe}.pdf"'
    response.headers["Cache-Control"] = "no-store"  # the codes exist nowhere else
    return response


@bp.route("/classes/<int:class_id>/codes", methods=["POST"])
def generate(class_id: int):
    """Create codes and return the printable sheet at once (only hashes are kept)."""
    school_class = _class(class_id)
    form = GenerateCodesForm()
    if not form.validate_on_submit():
        return _class_page(school_class, {"generate": form}, status=422)
    try:
        plain = codes.issue_codes(db.session, actor_id(), school_class.id, form.count.data)
    except InvalidInput as error:
        db.session.rollback()
        return _class_page(school_class, {"generate": form}, show_error(form, error), 422)
    db.session.commit()
    return _pdf(school_class, plain, "codes")


@bp.route("/classes/<int:class_id>/replace", methods=["POST"])
def replace(class_id: int):
    """One replacement slip for a lost one (voiding the lost code if it is known)."""
    school_class = _class(class_id)
    form = ReplaceCodeForm()
    if not form.validate_on_submit():
        return _class_page(school_class, {"replace": form}, status=422)
    try:
        plain = codes.replace_code(db.session, actor_id(), school_class.id, form.lost.data or "")
    except InvalidInput as error:
        db.session.rollback()
        if error.field == "code":
            error.field = "lost"
        return _class_page(school_class, {"replace": form}, show_error(form, error), 422)
    db.session.commit()
    return _pdf(school_class, plain, "replacement")


@bp.route("/classes/<int:class_id>/void", methods=["POST"])
def void(class_id: int):
    """Void one code typed from its slip."""
    school_class = _class(class_id)
    form = VoidCodeForm()
    if not form.validate_on_submit():
        return _class_page(school_class, {"void": form}, status=422)
    try:
        codes.void_code(db.session, actor_id(), school_class.id, form.code.data)
    except InvalidInput as error:
        db.session.rollback()
        return _class_page(school_class, {"void": form}, show_error(form, error), 422)
    db.session.commit()
    flash(_("The code is void."), "success")
    return redirect(url_for("school.school_class", class_id=school_class.id))


@bp.route("/classes/<int:class_id>/void-unused", methods=["POST"])
def void_unused(class_id: int):
    """Void every unused code of the class (for example after the survey lesson)."""
    school_class = _class(class_id)
    if ConfirmForm().validate_on_submit():
        count = codes.void_unused(db.session, actor_id(), school_class.id)
        db.session.commit()
        flash(ngettext("%(num)d unused code is void.", "%(num)d unused codes are void.", count),
              "success")
    return redirect(url_for("school.school_class", class_id=school_class.id))


@bp.route("/classes/<int:class_id>/state", methods=["POST"])
def class_state(class_id: int):
    """Close the class (after a confirmation that counts who is still answering) or reopen it."""
    school_class = _class(class_id)
    state = request.form.get("state")
    form = ConfirmForm()
    if state == "closed" and school_class.state == "open" and \
            request.form.get("confirmed") != "yes" and form.validate_on_submit():
        # Closing locks out pupils who are mid-questionnaire: say how many, ask first.
        row = monitoring.class_rows(db.session, school_class.wave_id,
                                    class_id=school_class.id)[0]
        return render_template("staff/school/class_close.html", school_class=school_class,
                               row=row, still_answering=row.started - row.submitted,
                               confirm_form=ConfirmForm(formdata=None))
    if form.validate_on_submit() and state in ("open", "closed"):
        codes.set_class_state(db.session, actor_id(), school_class.id, state)
        db.session.commit()
        flash(_("The class is closed.") if state == "closed" else _("The class is open again."),
              "success")
    return redirect(url_for("school.school_class", class_id=school_class.id))


@bp.route("/classes/<int:class_id>/enrolled", methods=["POST"])
def class_enrolled(class_id: int):
    """Correct the number of pupils enrolled (coordinators: while the wave is not closed)."""
    school_class = _class(class_id)
    form = EnrolledForm()
    if not form.validate_on_submit():
        return _class_page(school_class, {"enrolled": form}, status=422)
    try:
        schools.set_enrolled(db.session, actor_id(), school_class.id, form.enrolled.data)
    except InvalidInput as error:
        db.session.rollback()
        return _class_page(school_class, {"enrolled": form}, show_error(form, error), 422)
    db.session.commit()
    flash(_("The number of pupils enrolled is corrected."), "success")
    return redirect(url_for("school.school_class", class_id=school_class.id))
