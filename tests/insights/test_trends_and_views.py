"""Trends across comparable waves, the needs matrix's marks, school results below and above
the threshold, and the region view of a wave run across a region (issue 10, items 4-7)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from sqlalchemy import select, update

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.extensions import db
from survey_app.models import District, ResultEstimate, ResultSet, Wave
from survey_app.services import results
from tests.insights.conftest import copy_release, logged_in, make_released
from tests.results.conftest import make_demo
from tests.staff.conftest import password_hash


def _changed_questionnaire(folder):
    """The shipped questionnaire as version 2.0 with other cut-offs for sadness."""
    text = SHIPPED.read_text(encoding="utf-8")
    text = text.replace('version: "1.0"', 'version: "2.0"', 1)
    start = text.index("  - id: sadness\n")
    cut = text.index("cuts: [2.5, 3.5]", start)
    text = text[:cut] + "cuts: [2.0, 3.0]" + text[cut + len("cuts: [2.5, 3.5]"):]
    path = folder / "kinderwelten-2.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def test_trend_joins_comparable_waves_and_breaks_where_suppressed(app, tmp_path):
    with app.app_context():
        r = make_released()
        first = db.session.get(ResultSet, r.result_set_id)
        district = db.session.scalars(select(District).where(
            District.municipality_id == r.municipality_id).order_by(District.code)).first()
        opens = first.wave.opens_on
        copy_release(r.result_set_id, "Musterstadt 2028", opens + dt.timedelta(days=700),
                     hide={str(district.id)})
        copy_release(r.result_set_id, "Musterstadt 2030", opens + dt.timedelta(days=1400))
        changed = _changed_questionnaire(tmp_path)
        copy_release(r.result_set_id, "Musterstadt 2032", opens + dt.timedelta(days=2100),
                     questionnaire=changed)
        district_id, district_name = district.id, district.name
    app.config["QUESTIONNAIRE_DIRS"] += f":{tmp_path}"
    planner = logged_in(app, r.emails["planner"])
    base = f"/planner/municipalities/{r.municipality_id}"
    page = planner.get(f"{base}/trends?measure=life_satisfaction&district={district_id}")
    assert page.status_code == 200
    heads = re.findall(r'<th scope="col" class="num">([^<]+)</th>', page.text)
    assert heads == ["Musterstadt 2026", "Musterstadt 2028", "Musterstadt 2030",
                     "Musterstadt 2032"]  # life satisfaction is unchanged in version 2.0
    # the district is hidden in 2028: two points, no line through the gap
    district_series = re.search(r'<g class="series-district">(.*?)</g>', page.text, re.S)
    assert district_series.group(1).count("<polyline") == 1  # 2030-2032 only
    assert district_series.group(1).count("<circle") == 3
    city = re.search(r'<g class="series-city">(.*?)</g>', page.text, re.S).group(1)
    assert city.count("<polyline") == 1 and city.count("<circle") == 4
    row = re.search(rf'<th scope="row">{district_name}</th>(.*?)</tr>', page.text, re.S)
    assert "fewer than 10 pupils" in row.group(1)
    # sadness changed its cut-offs: only the newest wave counts, the others are named
    sadness = planner.get(f"{base}/trends?measure=sadness_category%3Dlow")
    heads = re.findall(r'<th scope="col" class="num">([^<]+)</th>', sadness.text)
    assert heads == ["Musterstadt 2032"]
    assert sadness.text.count("the scale was defined differently") == 3
    # and the mean of sadness too: its items are the same but its categories are not
    mean = planner.get(f"{base}/trends.csv?measure=sadness")
    waves = {row[1] for row in csv.reader(io.StringIO(mean.data.decode("utf-8-sig")))}
    assert waves == {"Wave", "Musterstadt 2032"}


def test_matrix_marks_a_significantly_worse_district_and_sorts_it_first(app):
    with app.app_context():
        r = make_released()
        district = db.session.scalars(select(District).where(
            District.municipality_id == r.municipality_id).order_by(District.code.desc())).first()
        # no other district differs (under the census design many really do)
        db.session.execute(update(ResultEstimate).where(
            ResultEstimate.result_set_id == r.result_set_id,
            ResultEstimate.suppressed.is_(False)).values(p_adjusted=0.9))
        rows = {row.measure: row for row in db.session.scalars(select(ResultEstimate).where(
            ResultEstimate.result_set_id == r.result_set_id,
            ResultEstimate.district_id == district.id))}
        for measure, diff in (("life_satisfaction", -0.4), ("sadness", 0.3),
                              ("optimism", 0.5), ("wellbeing_index=low", 0.1)):
            rows[measure].diff_city, rows[measure].p_adjusted = diff, 0.001
        db.session.commit()
        name = district.name
    planner = logged_in(app, r.emails["planner"])
    page = planner.get(f"/planner/municipalities/{r.municipality_id}/needs")
    first = re.search(r'<tbody>\s*<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td>',
                      page.text)
    # lower life satisfaction, more sadness, more "low wellbeing": 3 marks; more optimism: none
    assert (first.group(1), first.group(2)) == (name, "3")
    data = planner.get(f"/planner/municipalities/{r.municipality_id}/needs.csv").data
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    row = next(row for row in table if row[0] == name)
    marked = [table[0][i] for i, cell in enumerate(row) if cell == "significantly worse"]
    assert marked == ["Life satisfaction (mean)", "Sadness (mean)",
                      "Wellbeing index: Low wellbeing (share)"]


def test_a_coordinator_sees_the_school_only_above_the_threshold(app):
    with app.app_context():
        r = make_released(min_group_size=80)
        shown = {row.school_id: not row.suppressed for row in db.session.scalars(
            select(ResultEstimate).where(ResultEstimate.result_set_id == r.result_set_id,
                                         ResultEstimate.group_var == "school",
                                         ResultEstimate.measure == "life_satisfaction"))
                 if row.school_id}
    assert set(shown) == set(r.school_ids) and len(set(shown.values())) == 2
    admin = logged_in(app, r.emails["admin"])
    for school_id, visible in shown.items():
        page = admin.get(f"/school/results/{school_id}")
        assert page.status_code == 200
        if visible:
            assert "Life satisfaction (mean)" in page.text and "Whole city" in page.text
        else:
            assert "No results can be shown" in page.text
            assert "fewer than 80 pupils of the school answered" in page.text
            assert "Life satisfaction" not in page.text
            download = admin.get(f"/school/results/{school_id}.csv")
            assert download.data.decode("utf-8-sig").strip().count("\n") == 0  # header only
    coordinator = logged_in(app, r.emails["coordinator"])
    assert coordinator.get(f"/school/results/{r.school_ids[0]}").status_code == 200
    assert coordinator.get(f"/school/results/{r.school_ids[1]}").status_code == 404
    # a wave asked for in the address is that wave or none, never silently the newest
    with app.app_context():
        wave_id = db.session.get(ResultSet, r.result_set_id).wave_id
    school = r.school_ids[0]
    assert coordinator.get(f"/school/results/{school}?wave={wave_id}").status_code == 200
    assert coordinator.get(f"/school/results/{school}.csv?wave={wave_id}").status_code == 200
    for wrong in ("abc", str(wave_id + 1000), "-1", "1.5", ""):
        assert coordinator.get(f"/school/results/{school}?wave={wrong}").status_code == 404, wrong
        assert coordinator.get(f"/school/results/{school}.csv?wave={wrong}").status_code == 404


def test_school_and_region_totals_are_stored_through_disclosure_control(app):
    with app.app_context():
        demo = make_demo()
        wave = db.session.get(Wave, demo.wave_id)
        region_id = wave.municipality.region_id
        wave.municipality_id, wave.region_id = None, region_id  # a wave across the region
        db.session.commit()
        stored = results.compute_results(db.session, wave, load(SHIPPED), min_group_size=10)
        results.release_results(db.session, None, stored)
        from survey_app.models import StaffUser
        from survey_app.models import Region
        db.session.add(StaffUser(email="kreis@example.org", role="planner",
                                 password_hash=password_hash(),
                                 regions=[db.session.get(Region, region_id)]))
        db.session.commit()
        rows = db.session.scalars(select(ResultEstimate).where(
            ResultEstimate.result_set_id == stored.id,
            ResultEstimate.group_var == "municipality",
            ResultEstimate.measure == "life_satisfaction")).all()
        by_key = {row.group_key: row for row in rows}
        assert set(by_key) == {str(demo.municipality_id), "all"}
        assert all(row.municipality_id is None for row in rows)
        city = by_key[str(demo.municipality_id)]
        # one municipality in the region: its total is the region's
        assert abs(city.estimate - by_key["all"].estimate) < 1e-9
        assert city.ci_low < city.estimate < city.ci_high
        schools = db.session.scalars(select(ResultEstimate).where(
            ResultEstimate.result_set_id == stored.id, ResultEstimate.group_var == "school"))
        assert all(row.n >= 10 or row.suppressed for row in schools if row.n is not None)
    planner = logged_in(app, "kreis@example.org")
    page = planner.get(f"/planner/regions/{region_id}")
    assert page.status_code == 200
    assert "Region total" in page.text and "There is no region total" not in page.text
    assert page.text.count('class="chart chart-intervals"') == len(load(SHIPPED).scales)
    data = planner.get(f"/planner/regions/{region_id}.csv").data.decode("utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(data)) if row[0] == "Life satisfaction (mean)"]
    assert [row[1] for row in rows] == ["Musterstadt", "Demo-Kreis"]
    assert rows[0][4] == rows[1][4] != ""
