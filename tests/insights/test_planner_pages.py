"""Targeting, trend, region and school-result pages on the demo city: what each reader
sees, and that nobody sees another city's or school's results (issue 10, items 4-8)."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from analysis.questionnaire import load
from analysis.targeting import weighted_correlation
from questionnaires import SHIPPED
from survey_app.demo.indicators import INDICATOR, YEAR, ensure_demo_indicators
from survey_app.extensions import db
from survey_app.models import District, DistrictIndicator, Wave
from tests.insights.conftest import logged_in, make_released
from tests.staff.test_german_interface import english_left_over


def _urls(r) -> list[str]:
    """Every page and download of one city, region and school of the demo."""
    m, region, school = r.municipality_id, r.region_id, r.school_ids[0]
    urls = [f"/planner/municipalities/{m}/needs", f"/planner/municipalities/{m}/scatter",
            f"/planner/municipalities/{m}/trends", f"/planner/regions/{region}",
            f"/school/results/{school}"]
    downloads = [f"{u.split('?')[0]}.{fmt}" for u in urls for fmt in ("csv", "xlsx")]
    return urls + downloads


def test_a_planner_reads_matrix_scatter_trend_and_downloads(app):
    with app.app_context():
        r = make_released()
        wave = db.session.get(Wave, r.wave_id)
        assert ensure_demo_indicators(db.session, wave, load(SHIPPED)) == 0  # once only
        assert db.session.scalar(select(func.count()).select_from(DistrictIndicator)) == 12
    planner = logged_in(app, r.emails["planner"])
    base = f"/planner/municipalities/{r.municipality_id}"
    matrix = planner.get(f"{base}/needs")
    assert matrix.status_code == 200
    assert "Needs matrix" in matrix.text and "Life satisfaction (mean)" in matrix.text
    by_name = planner.get(f"{base}/needs?sort=name")
    names = re.findall(r'<tr><th scope="row">([^<]+)</th>', by_name.text)
    assert names == sorted(names, key=str.lower) and len(names) == 12
    marks = [int(m) for m in re.findall(r'</th><td class="num">(\d+)</td>', matrix.text)]
    assert marks == sorted(marks, reverse=True)

    scatter = planner.get(f"{base}/scatter?measure=life_satisfaction&indicator={INDICATOR}"
                          f"&year={YEAR}")
    assert scatter.status_code == 200
    assert scatter.text.count('class="district-point"') == 12
    shown_r = float(re.search(r"r = (-?[\d.]+)", scatter.text).group(1))
    # the demo's built-in pattern: more deprivation, lower life satisfaction
    assert shown_r < 0
    download = planner.get(f"{base}/scatter.csv?measure=life_satisfaction&indicator="
                           f"{INDICATOR}&year={YEAR}")
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["District", f"{INDICATOR} {YEAR}", "Pupils (n)"]
    x, n, y = ([float(row[i]) for row in rows[1:]] for i in (1, 2, 3))
    assert round(weighted_correlation(x, y, n), 2) == round(shown_r, 2)

    trend = planner.get(f"{base}/trends?measure=wellbeing_index%3Dthriving")
    assert trend.status_code == 200 and "Musterstadt 2026" in trend.text
    for fmt in ("csv", "xlsx"):
        response = planner.get(f"{base}/needs.{fmt}")
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(planner.get(f"{base}/trends.xlsx?measure=sadness").data))
    header = [c.value for c in next(book.active.iter_rows())]
    assert header[:4] == ["Area", "Wave", "Pupils (n)", "Estimate"]


def test_german_interface_gives_german_headers(app):
    with app.app_context():
        r = make_released()
    planner = logged_in(app, r.emails["planner"])
    with planner.session_transaction() as session:
        session["lang"] = "de"
    base = f"/planner/municipalities/{r.municipality_id}"
    page = planner.get(f"{base}/trends?measure=life_satisfaction")
    assert "Lebenszufriedenheit" in page.text and "ganze Stadt" in page.text
    data = planner.get(f"{base}/trends.csv?measure=life_satisfaction").data.decode("utf-8-sig")
    header = data.splitlines()[0].split(";")
    assert header[:4] == ["Gebiet", "Welle", "Schülerinnen und Schüler (n)", "Schätzwert"]
    assert re.search(r"\n[^;\n]+;Musterstadt 2026;\d+;\d,\d+;", data)  # decimal commas
    admin = logged_in(app, r.emails["admin"])
    with admin.session_transaction() as session:
        session["lang"] = "de"
    for url in ("/planner/insights", "/planner/indicators", f"{base}/needs", f"{base}/scatter",
                f"{base}/trends", f"/planner/regions/{r.region_id}",
                f"/school/results/{r.school_ids[0]}", "/school/results/"):
        page = admin.get(url)
        assert page.status_code == 200 and '<html lang="de">' in page.text, url
        assert english_left_over(page.text) == [], url


def test_nobody_sees_another_citys_or_schools_results(app):
    with app.app_context():
        r = make_released()
    urls = _urls(r)
    readers = {name: logged_in(app, r.emails[name]) for name in
               ("planner", "region_planner", "other_planner", "coordinator",
                "other_coordinator", "admin")}
    for url in urls:
        school_page = url.startswith("/school/")
        region_page = url.startswith("/planner/regions/")
        for name, client in readers.items():
            status = client.get(url).status_code
            if name == "admin":
                allowed = True
            elif school_page:
                allowed = name == "coordinator"
            elif region_page:
                allowed = name == "region_planner"
            else:
                allowed = name in ("planner", "region_planner")
            if allowed:
                assert status == 200, f"{name} {url} -> {status}"
            else:
                assert status in (403, 404), f"{name} {url} -> {status}"
    anonymous = app.test_client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_other_planners_see_only_their_own_city_in_lists(app):
    with app.app_context():
        r = make_released()
        db.session.add(DistrictIndicator(
            district_id=db.session.scalars(select(District.id).where(
                District.municipality_id == r.municipality_id)).first(),
            indicator="Geheimer Indikator", year=2025, value=1.0))
        db.session.commit()
    other = logged_in(app, r.emails["other_planner"])
    index = other.get("/planner/insights")
    assert "Anderswo" in index.text and "Musterstadt" not in index.text
    assert "Geheimer Indikator" not in other.get("/planner/indicators").text
    own = logged_in(app, r.emails["planner"])
    assert "Geheimer Indikator" in own.get("/planner/indicators").text
