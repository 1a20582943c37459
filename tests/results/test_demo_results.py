"""``wellbeing demo`` computes and releases its wave's results: the planner sees a map."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from survey_app import create_app
from survey_app.extensions import db
from survey_app.models import ResultSet
from tests.staff.conftest import login
from tests.test_cli import instance, run  # noqa: F401 - fixture


def test_demo_releases_results_once_and_the_planner_sees_the_map(instance):  # noqa: F811
    first = run("demo", "--no-serve")
    assert first.exit_code == 0, first.output
    assert re.search(r"Results of .+ computed and released", first.output)
    planner = re.search(r"planner\s+(\S+@demo\.invalid)\s+password: (\S+)", first.output)
    app = create_app()
    client = app.test_client()
    assert login(client, planner.group(1), planner.group(2)).status_code == 302
    page = client.get("/staff/", follow_redirects=True)
    assert page.status_code == 200 and 'class="choropleth"' in page.text
    assert page.text.count("<path ") == 12  # every demo district is drawn
    second = run("demo", "--no-serve")
    assert second.exit_code == 0 and "computed and released" not in second.output
    with app.app_context():
        # this wave's and the earlier wave's (for trends), each computed and released once
        assert db.session.scalar(select(func.count()).select_from(ResultSet)) == 2
        assert set(db.session.scalars(select(ResultSet.state))) == {"released"}
        db.engine.dispose()
