"""Admin pages: compute a wave's results and release them to its planners.

The wave page includes ``staff/admin/_wave_results.html``, which reads the
wave's result sets through :func:`wave_results`; closing a wave computes its
results too (:func:`compute_on_close`).
"""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import format_datetime, gettext as _, ngettext
from flask_wtf import FlaskForm

from survey_app.admin import bp
from survey_app.auth.helpers import actor_id
from survey_app.extensions import db
from survey_app.models import Wave
from survey_app.services import results
from survey_app.services.errors import InvalidInput

log = logging.getLogger(__name__)


@bp.app_context_processor
def _results_helpers():
    return {"wave_results": wave_results}


def wave_results(wave_id: int) -> dict:
    """The wave's draft and released result sets, for the wave page."""
    return {"draft": results.draft(db.session, wave_id),
            "released": results.released(db.session, wave_id)}


def _compute(wave: Wave):
    return results.compute_wave(db.session, wave,
                                extra_dirs=current_app.config.get("QUESTIONNAIRE_DIRS"),
                                min_group_size=current_app.config["MIN_GROUP_SIZE"],
                                actor_id=actor_id())


def _computed_message(stored) -> str:
    return ngettext("Draft results computed on %(when)s from %(n)d answered survey. Check them, "
                    "then release them to the planners.",
                    "Draft results computed on %(when)s from %(n)d answered surveys. Check them, "
                    "then release them to the planners.", stored.responses,
             when=format_datetime(stored.computed_at, "short"), n=stored.responses)


def compute_on_close(wave: Wave) -> None:
    """After an admin closed the wave: compute its draft results, without undoing the close.

    A wave without answers, or with released results, keeps what it has; the
    admin is told why.
    """
    savepoint = db.session.begin_nested()
    try:
        stored = _compute(wave)
    except InvalidInput as error:
        savepoint.rollback()
        flash(error.message, "info")
        return
    except (ValueError, ArithmeticError):
        savepoint.rollback()
        log.exception("computing the results of wave %s failed", wave.id)
        flash(_("The results could not be computed; the wave is closed anyway. Please try "
                "again on the wave page or with 'wellbeing results compute'."), "error")
        return
    savepoint.commit()
    flash(_computed_message(stored), "success")


@bp.route("/waves/<int:wave_id>/results/compute", methods=["POST"])
def compute_results(wave_id: int):
    """Compute (or recompute) the wave's draft results now."""
    wave = db.session.get(Wave, wave_id) or abort(404)
    if FlaskForm().validate_on_submit():
        try:
            stored = _compute(wave)
        except InvalidInput as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_computed_message(stored), "success")
    return redirect(url_for("admin.wave", wave_id=wave.id) + "#results")


@bp.route("/waves/<int:wave_id>/results/release", methods=["POST"])
def release_results(wave_id: int):
    """Release the wave's draft results to its planners; they are frozen from then on."""
    wave = db.session.get(Wave, wave_id) or abort(404)
    if FlaskForm().validate_on_submit():
        pending = results.draft(db.session, wave.id)
        try:
            if pending is None:
                raise InvalidInput(_("There are no draft results to release."))
            results.release_results(db.session, actor_id(), pending)
        except InvalidInput as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The results are released to the planners and frozen."), "success")
    return redirect(url_for("admin.wave", wave_id=wave.id) + "#results")
