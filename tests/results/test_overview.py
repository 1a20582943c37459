"""The planner's overview of a released wave: map, city total, table, downloads (issue 10,
items 2 and 8)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import District, Municipality, Region
from tests.results.conftest import add_planner, release_demo_results
from tests.staff.conftest import login

PLANNER = "planer@example.org"


@pytest.fixture
def planner(app, demo):
    with app.app_context():
        add_planner(PLANNER, [demo.municipality_id])
    client = app.test_client()
    assert login(client, PLANNER).status_code == 302
    return client


def _url(demo, tail: str = "") -> str:
    return f"/planner/waves/{demo.wave_id}/municipalities/{demo.municipality_id}{tail}"


def test_a_planner_sees_nothing_before_the_release(app, demo, planner):
    with app.app_context():
        from survey_app.models import Wave
        from survey_app.services import results
        from analysis.questionnaire import load
        from questionnaires import SHIPPED

        results.compute_results(db.session, db.session.get(Wave, demo.wave_id), load(SHIPPED),
                                min_group_size=10)
        db.session.commit()
    landing = planner.get("/planner/")
    assert landing.status_code == 200 and "No results have been released" in landing.text
    assert planner.get(_url(demo)).status_code == 404
    assert planner.get(_url(demo, "/table.csv")).status_code == 404


def test_overview_shows_map_city_table_and_provenance(app, demo, planner):
    with app.app_context():
        release_demo_results()
        names = list(db.session.scalars(select(District.name).where(
            District.municipality_id == demo.municipality_id)))
    landing = planner.get("/staff/", follow_redirects=True)
    assert landing.status_code == 200
    page = landing.text
    assert 'class="choropleth"' in page and page.count("<path ") == len(names)
    assert page.count(f"/planner/waves/{demo.wave_id}/municipalities/{demo.municipality_id}"
                      "/districts/") == 2 * len(names)  # map and table link to the profiles
    assert "Wellbeing index: Thriving" in page  # the default measure, labelled from the definition
    assert f"from {demo.responses} answered surveys" in page and "minimum group size 10" in page
    for name in names:
        assert f'">{name}</a></th>' in page  # a row per district, linked to its profile
    assert "City total" in page and "Don&#39;t know" in page and "Legend" in page
    assert "style=" not in page and "<script>" not in page  # strict CSP: no inline style/script
    assert "#ffffcc" in page or "#253494" in page  # sequential palette on the map
    # every scale mean and category share of the definition can be chosen
    options = re.findall(r'<option value="([^"]+)"', page)
    assert "life_satisfaction" in options and "sadness_category=low" in options
    assert "wellbeing_index=low" in options and len(options) > 60


def test_measure_view_and_sorting_work_without_javascript(app, demo, planner):
    with app.app_context():
        release_demo_results()
    page = planner.get(_url(demo), query_string={"measure": "life_satisfaction",
                                                  "view": "difference", "sort": "estimate",
                                                  "order": "desc"}).text
    assert "Life satisfaction (mean)" in page and ("#5e3c99" in page or "#e66101" in page)
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r'<th scope="row"><a [^>]*>[^<]+</a></th>\s*<td class="num">(\d+)</td>\s*'
                      r'<td class="num">([\d.,]+)</td>', body)
    values = [float(v.replace(",", ".")) for _, v in rows]
    assert len(values) >= 10 and values == sorted(values, reverse=True)
    assert 'aria-sort="descending"' in page
    # an unknown measure or sort key falls back, it never fails
    odd = planner.get(_url(demo), query_string={"measure": "<script>", "sort": "x", "view": "y"})
    assert odd.status_code == 200 and "<script>" not in odd.text.split("<main")[1]


def test_downloads_are_the_table_with_headers_in_the_page_language(app, demo, planner):
    with app.app_context():
        release_demo_results()
        db.session.scalars(select(District)).first().name = "=HYPERLINK(\"x\")"
        db.session.commit()
    got = planner.get(_url(demo, "/table.csv"), query_string={"measure": "life_satisfaction"})
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert "attachment" in got.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig"))))
    assert table[0][:3] == ["District code", "District", "n"]
    assert any(row[1] == "'=HYPERLINK(\"x\")" for row in table)  # formula-injection safe
    assert table[-1][1] == "City total"
    with planner.session_transaction() as session:
        session["lang"] = "de"
    german = planner.get(_url(demo, "/table.xlsx"), query_string={"measure": "life_satisfaction"})
    sheet = load_workbook(io.BytesIO(german.data)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Code des Stadtteils", "Stadtteil", "n"]
    assert any(c.value == "'=HYPERLINK(\"x\")" for c in sheet["B"])
    assert planner.get(_url(demo, "/table.pdf")).status_code == 404


def test_a_planner_of_another_municipality_gets_404(app, demo):
    with app.app_context():
        release_demo_results()
        other = Municipality(name="Anderstadt", region=db.session.scalars(select(Region)).first())
        db.session.add(other)
        db.session.commit()
        add_planner("fremd@example.org", [other.id])
    stranger = app.test_client()
    login(stranger, "fremd@example.org")
    assert "No results have been released" in stranger.get("/planner/").text
    for tail in ("", "/table.csv", "/table.xlsx"):
        assert stranger.get(_url(demo, tail)).status_code == 404


def test_district_profile_shows_every_scale_and_index_beside_the_city(app, demo, planner):
    with app.app_context():
        result_id = release_demo_results()
        from survey_app.models import ResultEstimate

        district = db.session.scalars(select(District).where(
            District.municipality_id == demo.municipality_id).order_by(District.code)).first()
        rows = {e.measure: e for e in db.session.scalars(select(ResultEstimate).where(
            ResultEstimate.result_set_id == result_id,
            ResultEstimate.district_id == district.id))}
        district_id, name = district.id, district.name
    url = _url(demo, f"/districts/{district_id}")
    page = planner.get(url).text
    assert f"District profile: {name}" in page
    for label in ("Life satisfaction (mean)", "Sadness (mean)", "Wellbeing index: Thriving",
                  "Wellbeing index: Low wellbeing"):
        assert label in page
    assert page.count('class="ci-bar"') >= 20  # an interval bar per scale shown
    # the summary names exactly the measures significantly above or below the city
    above = [m for m, e in rows.items() if "_category=" not in m and e.p_adjusted is not None
             and e.p_adjusted < 0.05 and e.diff_city > 0]
    below = [m for m, e in rows.items() if "_category=" not in m and e.p_adjusted is not None
             and e.p_adjusted < 0.05 and e.diff_city < 0]
    assert ("Significantly higher than the city:" in page) == bool(above)
    assert ("Significantly lower than the city:" in page) == bool(below)
    if not above and not below:
        assert "does the district differ significantly" in page
    table = list(csv.reader(io.StringIO(planner.get(f"{url}/table.csv").data
                                        .decode("utf-8-sig"))))
    assert table[0][:2] == ["Area", "Measure"] and len(table) - 1 == len(
        [m for m in rows if "_category=" not in m])
    assert planner.get(_url(demo, "/districts/999999")).status_code == 404


def test_a_district_of_another_municipality_has_no_profile_here(app, demo, planner):
    with app.app_context():
        release_demo_results()
        other = Municipality(name="Anderstadt", region=db.session.scalars(select(Region)).first())
        elsewhere = District(municipality=other, code="01", name="Woanders")
        db.session.add_all([other, elsewhere])
        db.session.commit()
        elsewhere_id = elsewhere.id
    assert planner.get(_url(demo, f"/districts/{elsewhere_id}")).status_code == 404
    assert planner.get(_url(demo, f"/districts/{elsewhere_id}/table.xlsx")).status_code == 404
