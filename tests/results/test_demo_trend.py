"""The demo has an earlier wave, so a planner's trend page has two waves to compare."""

from __future__ import annotations

import re

from analysis.questionnaire import load
from analysis.simulation import simulate_city
from questionnaires import SHIPPED
from survey_app import create_app
from tests.staff.conftest import login
from tests.test_cli import instance, run  # noqa: F401 - fixture


def test_another_wave_of_the_same_city_has_the_same_districts_and_other_pupils():
    q = load(SHIPPED)
    first = simulate_city(q, 300, districts=6, schools=4, seed=1, city_seed=9)
    later = simulate_city(q, 300, districts=6, schools=4, seed=2, city_seed=9)
    assert first.districts == later.districts
    assert not first.responses.equals(later.responses)
    assert simulate_city(q, 300, districts=6, schools=4, seed=2).districts != first.districts


def test_the_demo_planner_sees_a_trend_over_two_waves(instance):  # noqa: F811
    result = run("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert "Earlier wave for trends: Musterstadt 2023" in result.output
    planner = re.search(r"planner\s+(\S+@demo\.invalid)\s+password: (\S+)", result.output)
    app = create_app()
    client = app.test_client()
    assert login(client, planner.group(1), planner.group(2)).status_code == 302
    landing = client.get("/planner/", follow_redirects=True)
    assert "Musterstadt 2026" in landing.text  # the newest wave is where a planner lands
    municipality = re.search(r"/municipalities/(\d+)", landing.request.path).group(1)
    trend = client.get(f"/planner/municipalities/{municipality}/trends",
                       query_string={"measure": "life_satisfaction"})
    assert trend.status_code == 200
    assert "Musterstadt 2023" in trend.text and "Musterstadt 2026" in trend.text
    again = run("demo", "--no-serve")
    assert again.exit_code == 0 and "Earlier wave for trends" not in again.output
    with app.app_context():
        from survey_app.extensions import db
        db.engine.dispose()
