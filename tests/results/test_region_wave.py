"""A wave run by a whole region: results per municipality where the pupils live, each compared
with its own total; each planner sees only their municipality."""

from __future__ import annotations

from sqlalchemy import select

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.extensions import db
from sqlalchemy import update

from analysis.questionnaire import DONT_KNOW
from survey_app.models import (Answer, District, Municipality, Response, ResultEstimate, School,
                               SchoolClass, Wave)
from survey_app.services import results
from survey_app.services.submitted_answers import renew
from tests.results.conftest import add_planner
from tests.staff.conftest import login


def test_region_wave_results_per_municipality(app, demo):
    with app.app_context():
        wave = db.session.get(Wave, demo.wave_id)
        city = db.session.get(Municipality, demo.municipality_id)
        town = Municipality(name="Zweitstadt", region_id=city.region_id)
        village = District(municipality=town, code="01", name="Dorfmitte")
        db.session.add(village)
        school = db.session.scalar(select(School).where(School.name == "Realschule Ostfeld"))
        school.municipality = town
        wave.municipality_id, wave.region_id = None, city.region_id
        db.session.flush()
        # the school's pupils who named a district live in Dorfmitte (the new town) ...
        item = load(SHIPPED).item_by_role("district").code
        their = select(Response.id).join(SchoolClass).where(SchoolClass.school_id == school.id)
        moved = db.session.execute(update(Answer).where(
            Answer.item_code == item, Answer.value != DONT_KNOW,
            Answer.response_id.in_(their)).values(value=str(village.id))).rowcount
        # ... and one pupil of another school lives there too
        other = db.session.scalar(select(Answer).join(Response).join(SchoolClass).where(
            Answer.item_code == item, SchoolClass.school_id != school.id,
            Answer.value != DONT_KNOW))
        other.value = str(village.id)
        db.session.flush()
        assert moved > 20
        renew(db.session.connection(), select(Answer.response_id).where(  # corrected by hand
            Answer.item_code == item, Answer.value == str(village.id)))
        stored = results.compute_results(db.session, wave, load(SHIPPED), min_group_size=10)
        results.release_results(db.session, None, stored)
        db.session.commit()
        totals = {m: n for m, n in db.session.execute(
            select(ResultEstimate.municipality_id, ResultEstimate.n).where(
                ResultEstimate.result_set_id == stored.id, ResultEstimate.group_key == "all",
                ResultEstimate.group_var == "district",
                ResultEstimate.measure == "life_satisfaction"))}
        assert set(totals) == {city.id, town.id}
        assert totals[town.id] < totals[city.id]
        village_row = db.session.scalar(select(ResultEstimate).where(
            ResultEstimate.result_set_id == stored.id, ResultEstimate.district_id == village.id,
            ResultEstimate.measure == "life_satisfaction"))
        assert village_row.municipality_id == town.id
        # the town's total: pupils living there, and its school's pupils who did not say
        assert totals[town.id] >= 0.8 * (moved + 1)
        if not village_row.suppressed:  # hidden when the town's "don't know" group is small
            assert village_row.n <= moved + 1
        assert db.session.scalar(select(ResultEstimate.id).where(
            ResultEstimate.municipality_id == city.id,
            ResultEstimate.district_id == village.id)) is None
        add_planner("stadt@example.org", [city.id])
        add_planner("dorf@example.org", [town.id])
        town_id = town.id
    base = f"/planner/waves/{demo.wave_id}/municipalities/"
    dorf = app.test_client()
    login(dorf, "dorf@example.org")
    page = dorf.get("/planner/", follow_redirects=True)
    assert page.status_code == 200 and "Dorfmitte" in page.text and "Altstadt" not in page.text
    assert dorf.get(f"{base}{demo.municipality_id}").status_code == 404
    stadt = app.test_client()
    login(stadt, "stadt@example.org")
    assert "Altstadt" in stadt.get("/planner/", follow_redirects=True).text
    assert stadt.get(f"{base}{town_id}/table.csv").status_code == 404
