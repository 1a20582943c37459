"""Admin pages: a wave's settings, its opening, closing and reopening (each confirmed first).

The rules that keep state and dates consistent are in
:mod:`survey_app.services.wave_states`; the confirmation page shows what a
change will do to the dates before anything changes.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from survey_app.admin import bp
from survey_app.admin.forms import StateForm, WaveEditForm
from survey_app.admin.views_results import compute_on_close
from survey_app.auth.helpers import actor_id, choices, show_error
from survey_app.extensions import db
from survey_app.models import Wave
from survey_app.services import monitoring
from survey_app.services.errors import InvalidInput
from survey_app.services.wave_states import planned_change, set_wave_state
from survey_app.services.waves import has_answers, questionnaire_choices, update_wave


def _still_answering(wave: Wave) -> int:
    """Pupils who started and have not submitted yet (closing locks them out)."""
    totals = monitoring.total(monitoring.class_rows(db.session, wave.id))
    return totals.started - totals.submitted


def _done_message(previous_state: str, wave: Wave) -> str:
    if wave.state == "closed":
        return _("The wave is closed: pupils can no longer answer.")
    if previous_state == "closed":
        return _("The wave is open again: pupils can answer until %(end)s.",
                 end=format_date(wave.closes_on))
    return _("The wave is open: pupils can answer from %(start)s to %(end)s.",
             start=format_date(wave.opens_on), end=format_date(wave.closes_on))


@bp.route("/waves/<int:wave_id>/state", methods=["GET", "POST"])
def wave_state(wave_id: int):
    """Confirm (GET: what will change) and then open, reopen or close a wave (POST)."""
    wave = db.session.get(Wave, wave_id) or abort(404)
    today = dt.date.today()
    posted = request.method == "POST"
    state = (request.form if posted else request.args).get("state")
    if state not in ("open", "closed"):
        abort(404)
    form = StateForm() if posted else StateForm(formdata=None, state=state)
    problems: list[str] = []
    if posted and form.validate_on_submit():
        previous = wave.state
        try:
            set_wave_state(db.session, actor_id(), wave.id, state, form.closes_on.data, today)
        except InvalidInput as error:
            db.session.rollback()
            problems = show_error(form, error)
        else:
            if wave.state == "closed":
                compute_on_close(wave)
            db.session.commit()
            flash(_done_message(previous, wave), "success")
            return redirect(url_for("admin.wave", wave_id=wave.id))
    try:
        change = planned_change(wave, state, today)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for("admin.wave", wave_id=wave.id))
    if not posted and change.closes_on is not None:
        form.closes_on.data = change.closes_on
    status = 422 if posted else 200
    return render_template("staff/admin/wave_state.html", wave=wave, form=form,
                           change=change, state=state, today=today, problems=problems,
                           still_answering=_still_answering(wave)), status


def _edit_form(wave: Wave, locked: bool) -> WaveEditForm:
    data = {"name": wave.name, "opens_on": wave.opens_on, "closes_on": wave.closes_on,
            "questionnaire": f"{wave.questionnaire_id}@{wave.questionnaire_version}"}
    form = WaveEditForm(data=data) if request.method == "GET" else WaveEditForm()
    current = (data["questionnaire"], f"{wave.questionnaire_id} {wave.questionnaire_version}")
    offered = questionnaire_choices(current_app.config.get("QUESTIONNAIRE_DIRS"))
    if current[0] not in [key for key, _label in offered]:
        offered = [current, *offered]  # the pinned version, even if its file is gone
    form.questionnaire.choices = choices([current] if locked else offered)
    return form


@bp.route("/waves/<int:wave_id>/edit", methods=["GET", "POST"])
def edit_wave(wave_id: int):
    """Correct a wave's name and dates; its questionnaire while nobody has answered."""
    wave = db.session.get(Wave, wave_id) or abort(404)
    locked = has_answers(db.session, wave.id)
    form = _edit_form(wave, locked)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            update_wave(db.session, actor_id(), wave.id, name=form.name.data,
                        opens_on=form.opens_on.data, closes_on=form.closes_on.data,
                        questionnaire=None if locked else form.questionnaire.data,
                        extra_dirs=current_app.config.get("QUESTIONNAIRE_DIRS"))
        except InvalidInput as error:
            db.session.rollback()
            problems = show_error(form, error)
        else:
            db.session.commit()
            flash(_("Wave saved."), "success")
            return redirect(url_for("admin.wave", wave_id=wave.id))
    status = 422 if form.errors or problems else 200
    return render_template("staff/admin/wave_edit.html", wave=wave, form=form, locked=locked,
                           problems=problems), status

