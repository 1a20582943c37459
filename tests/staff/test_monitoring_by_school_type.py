"""Response rates broken down by school type on the monitoring pages."""

from __future__ import annotations

import re

from survey_app.extensions import db
from survey_app.models import School
from survey_app.services import monitoring
from tests.staff.test_german_interface import english_left_over, german_login, visible_text


def set_types(app, world, a, b):
    with app.app_context():
        db.session.get(School, world.school_a).school_type = a
        db.session.get(School, world.school_b).school_type = b
        db.session.commit()


def test_totals_per_school_type_in_a_fixed_order(app, world):
    set_types(app, world, "gymnasium", None)
    with app.app_context():
        rows = monitoring.class_rows(db.session, world.wave_id)
        types = monitoring.by_school_type(rows)
    assert [(t.school_type, t.schools) for t in types] == [("gymnasium", 1), (None, 1)]
    gymnasium, unrecorded = types
    assert (gymnasium.total.enrolled, gymnasium.total.issued, gymnasium.total.started) == \
        (25 + 24, 5 + 2, 1)
    assert (unrecorded.total.enrolled, unrecorded.total.issued) == (20, 3)


def test_the_monitoring_pages_show_rates_by_school_type(app, world):
    set_types(app, world, "gesamtschule", "gymnasium")
    client = app.test_client()
    german_login(client, world.emails["admin"])
    for url in ("/school/", f"/school/waves/{world.wave_id}"):
        page = client.get(url)
        text = visible_text(page.text)
        assert "Nach Schulform" in text, url
        table = page.text.split('class="by-school-type"')[1].split("</table>")[0]
        cells = [visible_text(c) for c in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
        assert cells[1].startswith("Gesamtschule (1 Schule) 49 7 1 0")
        assert cells[2].startswith("Gymnasium (1 Schule) 20 3 0 0")
        assert english_left_over(page.text) == []


def test_a_coordinator_of_one_school_gets_no_breakdown(app, world):
    set_types(app, world, "gesamtschule", "gymnasium")
    client = app.test_client()
    german_login(client, world.emails["coord_a"])
    page = client.get(f"/school/waves/{world.wave_id}")
    assert "Nach Schulform" not in page.text and "Gymnasium" not in page.text


def test_the_demo_city_shows_rates_by_school_type(app):
    from analysis.questionnaire import load
    from survey_app.demo.seed import ensure_demo_city
    from questionnaires import SHIPPED

    with app.app_context():
        city = ensure_demo_city(db.session, load(SHIPPED))
        rows = monitoring.class_rows(db.session, city.wave.id)
        types = [t.school_type for t in monitoring.by_school_type(rows)]
    assert types == ["realschule", "sekundarschule", "gesamtschule", "gymnasium"]
