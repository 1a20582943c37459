"""One drawing path (issue 9, item 5): the report's maps are the overview's (same macro,
same projection), the projection is the pupil map's, and the coordinator's page and the
school feedback report draw the school's figures with the same macros."""

from __future__ import annotations

import io
import json
import re

from pypdf import PdfReader
from sqlalchemy import select

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.extensions import db
from survey_app.models import District, Municipality, ResultSet, School
from survey_app.reports.content import wave_content
from survey_app.reports.pdf import report_html
from survey_app.services import choropleth, svg_map
from tests.insights.conftest import logged_in, released  # noqa: F401
from tests.reports.conftest import assert_accessible_pdf, planner_client

SQUARE = {"type": "Polygon", "coordinates": [[[7, 51], [7.1, 51], [7.1, 51.1], [7, 51.1],
                                              [7, 51]]]}


def test_the_choropleth_uses_the_pupil_maps_projection():
    two = {"type": "MultiPolygon", "coordinates": [
        [[[7.1, 51], [7.2, 51], [7.2, 51.05], [7.1, 51]]],
        [[[7.1, 51.05], [7.2, 51.05], [7.2, 51.1], [7.1, 51.05]]]]}
    geometries = {1: json.dumps(SQUARE), 2: json.dumps(two), 3: "not json",
                  4: json.dumps({"type": "Polygon", "coordinates": [[["a", 1]] * 4]})}
    projected = choropleth.project(geometries)
    drawn = svg_map.draw([(str(k), "", g) for k, g in geometries.items()],
                         width=choropleth.WIDTH)
    assert set(projected.shapes) == {1, 2}  # malformed shapes are left out, not an error
    assert (projected.width, projected.height) == (drawn.width, drawn.height)
    for shape in drawn.shapes:
        assert projected.shapes[int(shape.key)].path == shape.path


def test_report_maps_are_the_overviews_map(app, stored):
    page = planner_client(app).get(
        f"/planner/waves/{stored.wave_id}/municipalities/{stored.municipality_id}"
        "?measure=adults_home").text
    with app.test_request_context():
        result_set = db.session.scalar(select(ResultSet).where(
            ResultSet.wave_id == stored.wave_id, ResultSet.state == "released"))
        content = wave_content(db.session, result_set,
                               db.session.get(Municipality, stored.municipality_id),
                               load(SHIPPED))
        html = report_html(db.session, content, "en")
    on_page = re.search(r'<svg class="choropleth".*?</svg>', page, re.S).group(0)
    in_report = re.search(r'<svg class="choropleth".*?</svg>', html, re.S).group(0)
    assert "Adults at home" in in_report  # the first map of the report is this measure

    def drawn(svg: str) -> list[tuple[str, str]]:
        return re.findall(r'<path d="([^"]+)" fill="([^"]+)"', svg)

    page_paths = drawn(on_page)
    report_paths = [(d, re.sub(r"#hatch-[\w-]+", "#suppressed-hatch", f))
                    for d, f in drawn(in_report)]
    assert len(page_paths) == len(stored.names) and page_paths == report_paths


def test_school_page_and_school_report_draw_the_same_table(app, released):  # noqa: F811
    url = f"/school/results/{released.school_ids[0]}"
    coordinator = logged_in(app, released.emails["coordinator"])
    page = coordinator.get(url)
    assert page.status_code == 200
    with app.app_context():
        school_name = db.session.get(School, released.school_ids[0]).name
    table = re.search(r"<table>.*?</table>", page.text, re.S).group(0)
    pdf = coordinator.get(url + "/report-en.pdf")  # the page: the default language, English
    assert_accessible_pdf(pdf.data, "en", school_name)
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() or "" for p in
                                         PdfReader(io.BytesIO(pdf.data)).pages))
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in
             re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table, re.S)]
    cells = [c for c in cells if c and c != "*"]
    assert len(cells) > 20
    for cell in cells:
        assert cell.replace("\n", " ") in text, cell
    charts = re.findall(r'<svg class="chart chart-intervals"', page.text)
    assert len(charts) == len(load(SHIPPED).scales)


def test_district_report_is_tagged(app, released):  # noqa: F811
    with app.app_context():
        district = db.session.scalars(select(District).where(
            District.municipality_id == released.municipality_id)).first()
        district_id, name = district.id, district.name
    planner = logged_in(app, released.emails["planner"])
    data = planner.get(f"/planner/waves/{released.wave_id}/municipalities/"
                       f"{released.municipality_id}/districts/{district_id}/report-de.pdf").data
    assert_accessible_pdf(data, "de", name)


def test_the_overview_still_links_each_district_with_a_text_alternative(app, stored):
    page = planner_client(app).get(
        f"/planner/waves/{stored.wave_id}/municipalities/{stored.municipality_id}").text
    svg = re.search(r'<svg class="choropleth".*?</svg>', page, re.S).group(0)
    assert 'aria-labelledby="map-title map-desc"' in svg
    assert svg.count("<a href=\"/planner/waves/") == len(stored.names)
    assert svg.count("<text ") == len(stored.names)
