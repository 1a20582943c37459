"""Indicator values at the edges of a float: refused on import, harmless when stored.

Found by attacking the planner's side (issue 12): one imported value of
1,7976931348623157e308 made the scatter page's axis loop for ever while its
memory grew by gigabytes (every planner who opened the page pinned a server
thread), and values over 1e26 made the profile, its PDF, the downloads and the
import that would have corrected them answer 500.
"""

from __future__ import annotations

import io
import signal
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import District, DistrictIndicator
from survey_app.services.indicator_import import parse_number, preview_indicators
from survey_app.services.svg_charts import nice_ticks
from tests.forms import csrf_token
from tests.insights.conftest import logged_in, make_released
from tests.staff.conftest import make_world

HEADER = "municipality,district,indicator,year,value\n"
LARGEST = 1.7976931348623157e308


@contextmanager
def finishes_within(seconds: int):
    """Fail instead of hanging when the code under test loops for ever."""
    def stop(_signum, _frame):
        raise AssertionError(f"did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("low, high", [(1, LARGEST), (-LARGEST, LARGEST), (1e20, 1e20),
                                       (0, 0), (1e-320, 2e-320), (-5, 5), (2.83, 4.12)])
def test_axis_ticks_are_few_and_cover_the_values_whatever_they_are(low, high):
    with finishes_within(5):
        ticks = nice_ticks(low, high)
    assert 2 <= len(ticks) <= 12 and ticks == sorted(ticks)
    assert ticks[0] <= low and ticks[-1] >= high


def test_only_plain_numbers_within_the_limit_are_imported(app):
    assert parse_number("1_000") is None and parse_number("١٢") is None  # Arabic-Indic 12
    assert parse_number("1,5e3") == 1500.0 and parse_number("1e999") is None
    with app.app_context():
        world = make_world()
        values = ("1,7976931348623157e308", "-2e12", "1e12", "1.000.000,5")
        text = "Kommune;Stadtteil;Indikator;Jahr;Wert\n" + "".join(
            f"Teststadt;Nord;Huge {i};2025;{value}\n" for i, value in enumerate(values))
        preview = preview_indicators(db.session, {world.municipality_id}, text)
        problems = [row.problems for row in preview.rows]
        assert "too large" in problems[0][0] and "1,000,000,000,000" in problems[0][0]
        assert "too large" in problems[1][0]
        assert problems[2:] == [[], []] and preview.rows[2].number == 1e12
        assert not preview.ok


def test_values_stored_before_the_limit_break_no_page(app):
    """Values as large as a float gets, stored before the import refused them."""
    with app.app_context():
        r = make_released()
        districts = list(db.session.scalars(select(District).where(
            District.municipality_id == r.municipality_id).order_by(District.id)))
        for number, district in enumerate(districts):
            db.session.add(DistrictIndicator(district_id=district.id, indicator="AAA huge",
                                             year=2025, value=LARGEST if number == 0 else number))
            db.session.add(DistrictIndicator(district_id=district.id, indicator="AAA flat",
                                             year=2025, value=1e20))
        first_id, first_name = districts[0].id, districts[0].name
        db.session.commit()
    planner = logged_in(app, r.emails["planner"])
    base = f"/planner/municipalities/{r.municipality_id}"
    profile = (f"/planner/waves/{r.wave_id}/municipalities/{r.municipality_id}/districts/"
               f"{first_id}")
    urls = [f"{base}/scatter"]  # "AAA huge" sorts first: the page's default indicator
    for name in ("AAA huge", "AAA flat"):
        query = f"?measure=life_satisfaction&indicator={quote(name)}&year=2025"
        urls += [f"{base}/scatter{query}", f"{base}/scatter.csv{query}",
                 f"{base}/scatter.xlsx{query}"]
    urls += [profile, f"{profile}/table.csv", f"{profile}/table.xlsx", f"{profile}/report-en.pdf"]
    for url in urls:
        with finishes_within(60):
            answer = planner.get(url)
        assert answer.status_code == 200, url
    assert "1.8E308" in planner.get(profile).text
    # the import that corrects the value shows the value it replaces
    with app.app_context():
        preview = preview_indicators(db.session, {r.municipality_id},
                                     HEADER + f"Musterstadt,{first_name},AAA huge,2025,5\n")
        assert preview.ok and preview.rows[0].replaces == LARGEST
    page = planner.get("/planner/indicators")
    correction = HEADER + f"Musterstadt,{first_name},AAA huge,2025,5\n"
    shown = planner.post("/planner/indicators", data={
        "csrf_token": csrf_token(page.text),
        "file": (io.BytesIO(correction.encode()), "indicators.csv")},
        content_type="multipart/form-data")
    assert shown.status_code == 200 and "1.8E308" in shown.text
