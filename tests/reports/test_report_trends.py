"""Trends in the wave report (issue 9, item 1): the city across the earlier comparable
waves, drawn with the planner's trend chart, broken where a wave is suppressed; a later
wave never appears in an earlier wave's report."""

from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader

from survey_app.extensions import db
from survey_app.models import Municipality, ResultSet
from survey_app.reports.content import wave_content
from survey_app.reports.pdf import report_html
from survey_app.services.planner_scope import questionnaire_of
from tests.insights.conftest import copy_release, logged_in, make_released


def _trend_figure(html: str, label: str) -> str:
    """The trend chart and its table of one measure."""
    found = re.search(r'<figure class="trend">((?:(?!<figure).)*?<title[^>]*>'
                      + re.escape(label) + r'.*?</table>)', html, re.S)
    assert found, label
    return found.group(1)


def test_the_report_shows_earlier_comparable_waves_with_a_break_where_suppressed(app,
                                                                                 tmp_path):
    with app.app_context():
        r = make_released()
        first = db.session.get(ResultSet, r.result_set_id)
        opens = first.wave.opens_on
        copy_release(r.result_set_id, "Musterstadt 2022", opens - dt.timedelta(days=1400))
        copy_release(r.result_set_id, "Musterstadt 2024", opens - dt.timedelta(days=700),
                     hide={("all", "life_satisfaction")})
        copy_release(r.result_set_id, "Musterstadt 2028", opens + dt.timedelta(days=700))
        first = db.session.get(ResultSet, r.result_set_id)
    with app.test_request_context():
        first = db.session.get(ResultSet, r.result_set_id)
        town = db.session.get(Municipality, r.municipality_id)
        content = wave_content(db.session, first, town, questionnaire_of(
            first, app.config.get("QUESTIONNAIRE_DIRS")))
        html = report_html(db.session, content, "en")
    trends = html[html.index('id="trends"'):html.index('id="appendix"')]
    assert "Musterstadt 2028" not in trends  # never a later wave
    life = _trend_figure(trends, "Life satisfaction (mean) by wave: whole city")
    assert re.findall(r'<th scope="col" class="num">([^<]+)</th>', life) == [
        "Musterstadt 2022", "Musterstadt 2024", "Musterstadt 2026"]
    # 2024 is hidden: two points, no line through the gap, a dot (no number) in the table
    assert life.count("<circle") == 2 and life.count("<polyline") == 0
    cells = re.findall(r'<td class="num">(.*?)</td>', life, re.S)
    assert 'class="hidden"' in cells[1] and not re.search(r"\d", cells[1])
    assert re.search(r"\d", cells[0]) and re.search(r"\d", cells[2])
    # a measure shown in every wave: one unbroken line with three intervals
    sadness = _trend_figure(trends, "Sadness (mean) by wave: whole city")
    assert sadness.count("<polyline") == 1 and sadness.count('class="interval"') == 3
    # the PDF has the chapter and the planner gets it
    planner = logged_in(app, r.emails["planner"])
    data = planner.get(f"/planner/waves/{r.wave_id}/municipalities/{r.municipality_id}/"
                       "report-de.pdf").data
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    assert "Zeitverläufe" in text and "Musterstadt 2022" in text and "Musterstadt 2028" not in text


def test_a_first_wave_has_no_trend_chapter(app):
    with app.app_context():
        r = make_released()
    with app.test_request_context():
        first = db.session.get(ResultSet, r.result_set_id)
        content = wave_content(db.session, first, db.session.get(
            Municipality, r.municipality_id), questionnaire_of(first, None))
        html = report_html(db.session, content, "de")
    assert 'id="trends"' not in html and "Anhang" in html
