"""The wave edit page: name and dates always, the questionnaire only before the first answer."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from survey_app.extensions import db
from survey_app.models import Answer, AuditEvent, Response, Wave
from tests.forms import csrf_token
from tests.staff.test_german_interface import english_left_over, german_login
from tests.staff.test_wave_states import DAY, TODAY, dates, make_wave


@pytest.fixture
def admin(app, world):
    client = app.test_client()
    german_login(client, world.emails["admin"])
    return client


def edit(client, wave_id, **changes):
    page = client.get(f"/admin/waves/{wave_id}/edit")
    assert page.status_code == 200
    fields = dict(re.findall(r'<input[^>]*name="(name|opens_on|closes_on)"[^>]*value="([^"]*)"',
                             page.text))
    return page, client.post(f"/admin/waves/{wave_id}/edit", data={
        "csrf_token": csrf_token(page.text), **fields, **changes})


def test_name_and_dates_are_corrected(app, admin, world):
    page, saved = edit(admin, world.wave_id, name="Befragung 2026",
                       closes_on=(TODAY + 60 * DAY).isoformat())
    assert english_left_over(page.text) == []
    assert saved.status_code == 302
    with app.app_context():
        wave = db.session.get(Wave, world.wave_id)
        assert (wave.name, wave.closes_on) == ("Befragung 2026", TODAY + 60 * DAY)
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "wave.update"))


@pytest.mark.parametrize("changes,field,message", [
    ({"closes_on": (TODAY - 3 * DAY).isoformat(), "opens_on": (TODAY - DAY).isoformat()},
     "closes_on", "Das Enddatum darf nicht vor dem Startdatum liegen."),
    ({"opens_on": (TODAY + 2 * DAY).isoformat()}, "opens_on", "Startdatum nicht in der Zukunft"),
    ({"closes_on": (TODAY - DAY).isoformat(), "opens_on": (TODAY - 5 * DAY).isoformat()},
     "closes_on", "Enddatum nicht in der Vergangenheit"),
    ({"name": ""}, "name", "Dieses Feld ist ein Pflichtfeld."),
])
def test_bad_dates_are_reported_next_to_the_date_field(app, admin, world, changes, field,
                                                       message):
    before = dates(app, world.wave_id)
    _page, refused = edit(admin, world.wave_id, **changes)
    assert refused.status_code == 422
    error = re.search(rf'<span class="error" id="{field}-error"[^>]*>([^<]*)<', refused.text)
    assert error and message in error.group(1), refused.text
    assert english_left_over(refused.text) == []
    assert dates(app, world.wave_id) == before


def test_a_closed_wave_cannot_be_extended_by_editing(app, admin):
    wave_id = make_wave(app, "closed", TODAY - 20 * DAY, TODAY - 2 * DAY)
    _page, refused = edit(admin, wave_id, closes_on=(TODAY + 5 * DAY).isoformat())
    assert refused.status_code == 422 and "wieder öffnen" in refused.text
    assert dates(app, wave_id)[2] == TODAY - 2 * DAY


def test_the_questionnaire_can_change_until_the_first_answer(app, admin, world):
    # The world's wave has an answer: the questionnaire is shown, not offered.
    page = admin.get(f"/admin/waves/{world.wave_id}/edit")
    assert 'name="questionnaire"' not in page.text and "nicht mehr geändert werden" in page.text
    _page, sent = edit(admin, world.wave_id, questionnaire="branching_example@1.0")
    with app.app_context():
        assert db.session.get(Wave, world.wave_id).questionnaire_id == "small_example"
    # Without answers another version can be chosen.
    with app.app_context():
        db.session.execute(delete(Answer))
        db.session.execute(delete(Response))
        db.session.commit()
    page = admin.get(f"/admin/waves/{world.wave_id}/edit")
    options = re.findall(r'<option[^>]*value="([^"]+)"', page.text)
    other = next(o for o in options if not o.startswith("small_example@"))
    _page, saved = edit(admin, world.wave_id, questionnaire=other)
    assert saved.status_code == 302, saved.text
    with app.app_context():
        wave = db.session.get(Wave, world.wave_id)
        assert f"{wave.questionnaire_id}@{wave.questionnaire_version}" == other
        assert len(wave.questionnaire_hash) == 64


def test_the_wave_page_links_to_the_edit_page(app, admin, world):
    page = admin.get(f"/admin/waves/{world.wave_id}")
    assert f"/admin/waves/{world.wave_id}/edit" in page.text
    assert english_left_over(page.text) == []


def test_audit_filter_dates_in_the_wrong_order_are_reported_next_to_the_field(app, admin):
    page = admin.get("/admin/audit?date_from=2026-05-10&date_to=2026-05-01")
    error = re.search(r'<span class="error" id="date_to-error"[^>]*>([^<]*)<', page.text)
    assert error and error.group(1) == "Das Enddatum darf nicht vor dem Startdatum liegen."
    assert english_left_over(page.text) == []
