"""No page, chart or download of the targeting, trend, region and school views shows a
figure of a group that the disclosure control suppressed (issue 10, "Done when").

The demo's results are computed with a threshold of 30, so that several districts are
suppressed for some or all measures; then every page and download is scanned.
"""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import quote

from openpyxl import load_workbook
from sqlalchemy import select

from survey_app.demo.indicators import INDICATOR, YEAR
from survey_app.extensions import db
from survey_app.models import District, ResultEstimate
from tests.insights.conftest import logged_in, make_released

THRESHOLD = 30
MEASURES = ("life_satisfaction", "sadness", "wellbeing_index=thriving",
            "life_satisfaction_category=low")


def _rows_without_figures(rows, names: set[str], key_column: int = 0) -> None:
    """Rows of a download whose group is suppressed hold no number."""
    for row in rows:
        if row[key_column] in names:
            numbers = [c for c in row[1:] if c not in ("", None) and re.fullmatch(
                r"-?[\d.,]+", str(c)) and not re.fullmatch(r"\d{4}", str(c))]
            assert numbers == [], f"figures of a suppressed group: {row}"


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _html_rows(page: str, names: set[str]) -> None:
    """Table rows of a suppressed group on a page show no number but the threshold."""
    for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        head = re.search(r'<th scope="row">([^<]+)</th>', row)
        if head and html.unescape(head.group(1)) in names:
            text = re.sub(r"<[^>]+>", " ", row)
            digits = set(re.findall(r"\d+(?:[.,]\d+)?", text)) - {str(THRESHOLD)}
            assert digits == set(), f"figures of a suppressed group: {text.split()}"


def test_no_figure_of_a_suppressed_district_anywhere(app):
    with app.app_context():
        r = make_released(min_group_size=THRESHOLD)
        names = {d.id: d.name for d in db.session.scalars(select(District).where(
            District.municipality_id == r.municipality_id))}
        hidden = {m: {names[row.district_id] for row in db.session.scalars(
            select(ResultEstimate).where(ResultEstimate.result_set_id == r.result_set_id,
                                         ResultEstimate.measure == m,
                                         ResultEstimate.group_var == "district",
                                         ResultEstimate.suppressed,
                                         ResultEstimate.district_id.is_not(None)))}
                  for m in MEASURES}
    assert all(hidden.values()), "the test needs suppressed districts"
    assert any(len(h) < 12 for h in hidden.values()), "and published ones"
    planner = logged_in(app, r.emails["planner"])
    base = f"/planner/municipalities/{r.municipality_id}"
    for measure, names_hidden in hidden.items():
        query = f"measure={quote(measure)}&indicator={quote(INDICATOR)}&year={YEAR}"
        scatter = planner.get(f"{base}/scatter?{query}").text
        points = re.findall(r'<g class="district-point">(.*?)</g>', scatter, flags=re.S)
        assert len(points) == 12 - len(names_hidden)
        for point in points:
            label = html.unescape(re.search(r"<title>([^<]+)</title>", point).group(1))
            assert label not in names_hidden
        _html_rows(scatter, names_hidden)
        trend = planner.get(f"{base}/trends?measure={quote(measure)}").text
        _html_rows(trend, names_hidden)
        for fmt, read in (("csv", _csv), ("xlsx", _xlsx)):
            _rows_without_figures(read(planner.get(f"{base}/scatter.{fmt}?{query}")),
                                  names_hidden)
            _rows_without_figures(read(planner.get(f"{base}/trends.{fmt}?measure="
                                                   f"{quote(measure)}")), names_hidden)
    # the needs matrix: a suppressed cell is never marked and says why
    matrix = planner.get(f"{base}/needs").text
    for row in re.findall(r"<tr>(.*?)</tr>", matrix, flags=re.S):
        head = re.search(r'<th scope="row">([^<]+)</th>', row)
        if head and html.unescape(head.group(1)) in hidden["life_satisfaction"]:
            cells = re.findall(r"<td( class=\"[^\"]+\")?>", row)
            assert cells[2] == ' class="cell-hidden"'  # first measure: adults_home
    for fmt, read in (("csv", _csv), ("xlsx", _xlsx)):
        rows = read(planner.get(f"{base}/needs.{fmt}"))
        column = rows[0].index("Life satisfaction (mean)")
        for row in rows[1:]:
            if row[0] in hidden["life_satisfaction"]:
                assert row[column] == f"fewer than {THRESHOLD} pupils"
