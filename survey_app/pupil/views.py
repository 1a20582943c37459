"""Views of the pupil flow: validate, call a service, commit once, redirect."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, session, url_for

from survey_app.extensions import db
from survey_app.models import Response, Wave
from survey_app.pupil import bp
from survey_app.pupil.forms import StartForm
from survey_app.pupil.services import StartRefused, start_or_resume
from survey_app.services import questionnaires

REFUSALS = {
    "unknown": "Diesen Code kennen wir nicht. Bitte prüfe ihn und versuche es noch einmal.",
    "used": "Dieser Code wurde schon benutzt.",
    "void": "Dieser Code ist nicht mehr gültig. Bitte frag deine Lehrerin oder deinen Lehrer.",
    "closed": "Die Befragung für deine Klasse ist gerade nicht geöffnet.",
}


@bp.route("/", methods=["GET", "POST"])
def start():
    """Start page: a pupil enters the code from the slip."""
    form = StartForm()
    if form.validate_on_submit():
        try:
            response = start_or_resume(db.session, form.code.data, language="de")
        except StartRefused as refused:
            db.session.rollback()
            flash(REFUSALS[refused.reason], "error")
            return render_template("pupil/start.html", form=form), 200
        db.session.commit()
        session.clear()
        session["response_id"] = response.id
        return redirect(url_for("pupil.page", number=response.furthest_page + 1))
    return render_template("pupil/start.html", form=form)


@bp.route("/survey/page/<int:number>")
def page(number: int):
    """Show one page of the questionnaire the pupil's wave uses."""
    response = db.session.get(Response, session.get("response_id", -1))
    if response is None:
        return redirect(url_for("pupil.start"))
    wave = db.session.get(Wave, response.wave_id)
    questionnaire = questionnaires.find(
        wave.questionnaire_id, wave.questionnaire_version, wave.questionnaire_hash,
        current_app.config.get("QUESTIONNAIRE_DIRS"),
    )
    if not 1 <= number <= len(questionnaire.pages):
        abort(404)
    return render_template(
        "pupil/page.html", questionnaire=questionnaire, page=questionnaire.pages[number - 1],
        number=number, lang=response.language,
    )
