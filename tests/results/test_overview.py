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
    assert "Wellbeing index: Thriving" in page  # the default measure, labelled from the definition
    assert f"from {demo.responses} answered surveys" in page and "minimum group size 10" in page
    for name in names:
        assert f'<th scope="row">{name}</th>' in page
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
    rows = re.findall(r'<th scope="row">[^<]+</th>\s*<td class="num">(\d+)</td>\s*'
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
