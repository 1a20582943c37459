"""Stored results name their design: the census of the wave when every class has an enrolled
count (design.md section 5), the sample-of-schools design otherwise (issue 11, section 3)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.extensions import db
from survey_app.models import ResultEstimate, SchoolClass, Wave
from survey_app.services import results


def _compute():
    wave = db.session.scalar(select(Wave))
    return results.compute_results(db.session, wave, load(SHIPPED), min_group_size=10)


def _city_se(result_set_id):
    return db.session.scalar(select(ResultEstimate.se).where(
        ResultEstimate.result_set_id == result_set_id, ResultEstimate.group_var == "district",
        ResultEstimate.group_key == "all", ResultEstimate.measure == "life_satisfaction"))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_census_with_enrolment_schools_without(app, demo):
    with app.app_context():
        census = _compute()
        assert census.design == "census" and census.weighting == "enrolment"
        notes = json.loads(census.notes)
        assert any("census" in note for note in notes["design"])
        census_se = _city_se(census.id)
        db.session.commit()
        # one class without an enrolled count: no census, the schools design, unweighted
        db.session.scalars(select(SchoolClass)).first().enrolled = None
        schools = _compute()
        assert schools.design == "schools" and schools.weighting == "none"
        assert any("no enrolment" in note for note in json.loads(schools.notes)["design"])
        # a census of most pupils is far more precise than a sample of a handful of schools
        assert 0 < census_se < _city_se(schools.id)
