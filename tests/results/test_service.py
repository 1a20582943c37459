"""Stored results of a wave: computed from the stored answers, with provenance, draft and
released (issue 10, item 1)."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import func, select

from analysis.questionnaire import load
from analysis.scoring import score
from questionnaires import SHIPPED
from survey_app.extensions import db
from survey_app.models import (AuditEvent, District, Response, ResultEstimate, ResultSet,
                               SchoolClass, Wave)
from survey_app.services import results
from survey_app.services.errors import InvalidInput
from survey_app.services.frames import responses_frame


def _compute(wave_id: int, min_group_size: int = 10) -> ResultSet:
    wave = db.session.get(Wave, wave_id)
    stored = results.compute_results(db.session, wave, load(SHIPPED),
                                     min_group_size=min_group_size)
    db.session.commit()
    return stored


def test_results_are_stored_with_their_provenance(app, demo):
    with app.app_context():
        steps = []
        wave = db.session.get(Wave, demo.wave_id)
        stored = results.compute_results(db.session, wave, load(SHIPPED), min_group_size=10,
                                         progress=lambda *step: steps.append(step))
        db.session.commit()
        assert (stored.questionnaire_id, stored.questionnaire_version,
                stored.questionnaire_hash) == (wave.questionnaire_id,
                                               wave.questionnaire_version,
                                               wave.questionnaire_hash)
        assert stored.state == "draft" and stored.released_at is None
        assert stored.min_group_size == 10 and stored.design == "census"
        assert stored.weighting == "enrolment"  # every demo class has an enrolled count
        assert stored.responses == demo.responses > 0
        assert stored.computed_at is not None
        assert steps[-1][0] == steps[-1][1] == len(steps)
        frame = results.estimates_frame(db.session, stored, demo.municipality_id)
        districts = set(db.session.scalars(select(District.id).where(
            District.municipality_id == demo.municipality_id)))
        assert set(frame["district_id"].dropna().astype(int)) == districts
        assert {"all", "dont_know"} <= set(frame["group_key"])
        measures = set(frame["measure"])
        assert {"life_satisfaction", "wellbeing_index=thriving"} <= measures
        # no figure of a suppressed group is stored, not even its n
        hidden = frame[frame["suppressed"]]
        assert hidden[list(results.NUMBER_COLUMNS) + ["n"]].isna().all().all()
        shown = frame[~frame["suppressed"]]
        assert (shown["n"] >= 10).all()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "results.compute")) == 1


def test_unweighted_city_mean_is_the_mean_of_the_stored_answers(app, demo):
    """Without enrolment counts the city mean is the plain mean of the scored answers."""
    with app.app_context():
        for school_class in db.session.scalars(select(SchoolClass)):
            school_class.enrolled = None
        db.session.commit()
        stored = _compute(demo.wave_id)
        assert stored.weighting == "none"
        wave = db.session.get(Wave, demo.wave_id)
        questionnaire = load(SHIPPED)
        scored = score(responses_frame(db.session, wave, questionnaire), questionnaire)
        city = db.session.scalar(select(ResultEstimate).where(
            ResultEstimate.result_set_id == stored.id, ResultEstimate.group_key == "all",
            ResultEstimate.measure == "life_satisfaction"))
        assert city.n == scored["life_satisfaction"].notna().sum()
        assert math.isclose(city.estimate, scored["life_satisfaction"].mean(), rel_tol=1e-9)
        assert city.ci_low < city.estimate < city.ci_high


def test_a_newer_computation_replaces_the_draft(app, demo):
    with app.app_context():
        first = _compute(demo.wave_id)
        assert first.responses == demo.responses
        withdrawn = db.session.scalars(select(Response).where(
            Response.wave_id == demo.wave_id, Response.status == "submitted")).first()
        withdrawn.status, withdrawn.submitted_on = "in_progress", None
        db.session.commit()
        second = _compute(demo.wave_id)
        assert second.responses == demo.responses - 1
        assert db.session.scalars(select(ResultSet.id)).all() == [second.id]
        # the old draft's figures are gone with it
        assert db.session.scalars(select(ResultEstimate.result_set_id).distinct()).all() \
            == [second.id]
        assert results.draft(db.session, demo.wave_id).id == second.id
        assert results.released(db.session, demo.wave_id) is None


def test_released_results_are_frozen(app, demo):
    with app.app_context():
        stored = _compute(demo.wave_id)
        results.release_results(db.session, None, stored)
        db.session.commit()
        assert stored.state == "released" and stored.released_at is not None
        assert results.released(db.session, demo.wave_id).id == stored.id
        figures = db.session.scalar(select(func.count()).select_from(ResultEstimate))
        wave = db.session.get(Wave, demo.wave_id)
        with pytest.raises(InvalidInput):
            results.release_results(db.session, None, stored)
        db.session.rollback()
        # a recomputation is a new draft (protected against the release: test_releases.py);
        # the released figures themselves never change
        draft = results.compute_results(db.session, wave, load(SHIPPED), min_group_size=10)
        db.session.commit()
        assert db.session.scalars(select(ResultSet.id).order_by(ResultSet.id)).all() \
            == [stored.id, draft.id]
        assert results.released(db.session, demo.wave_id).id == stored.id
        assert db.session.scalar(select(func.count()).select_from(ResultEstimate).where(
            ResultEstimate.result_set_id == stored.id)) == figures


def test_a_wave_without_answers_or_with_another_questionnaire_is_refused(app, demo):
    with app.app_context():
        for response in db.session.scalars(select(Response)):
            response.status, response.submitted_on = "in_progress", None
        db.session.commit()
        wave = db.session.get(Wave, demo.wave_id)
        with pytest.raises(InvalidInput, match="no submitted answers"):
            results.compute_results(db.session, wave, load(SHIPPED), min_group_size=10)
        db.session.rollback()
        wave.questionnaire_hash = "0" * 64
        with pytest.raises(InvalidInput, match="differs"):
            results.compute_results(db.session, wave, load(SHIPPED), min_group_size=10)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(ResultSet)) == 0


def test_the_database_refuses_a_figure_for_a_suppressed_group(app, demo):
    with app.app_context():
        stored = _compute(demo.wave_id)
        row = db.session.scalar(select(ResultEstimate).where(
            ResultEstimate.result_set_id == stored.id, ResultEstimate.suppressed.is_(False)))
        row.suppressed = True
        with pytest.raises(Exception):
            db.session.commit()
        db.session.rollback()
