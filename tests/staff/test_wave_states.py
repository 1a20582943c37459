"""Opening, closing and reopening a wave: confirmed first, dates consistent with the state."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AuditEvent, Wave
from survey_app.services.errors import InvalidInput
from survey_app.services.wave_states import set_wave_state
from tests.forms import csrf_token
from tests.pupil.helpers import address
from tests.staff.conftest import pupil_start, token_of
from tests.staff.test_german_interface import english_left_over, german_login, visible_text

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


@pytest.fixture
def admin(app, world):
    client = app.test_client()
    german_login(client, world.emails["admin"])
    return client


def make_wave(app, state: str, opens_on: dt.date, closes_on: dt.date) -> int:
    with app.app_context():
        model = db.session.scalar(select(Wave))
        wave = Wave(name=f"Welle {opens_on}/{closes_on}", questionnaire_id=model.questionnaire_id,
                    questionnaire_version=model.questionnaire_version,
                    questionnaire_hash=model.questionnaire_hash,
                    municipality_id=model.municipality_id, grade_min=5, grade_max=7,
                    opens_on=opens_on, closes_on=closes_on, state=state)
        db.session.add(wave)
        db.session.commit()
        return wave.id


def dates(app, wave_id) -> tuple[str, dt.date, dt.date]:
    with app.app_context():
        wave = db.session.get(Wave, wave_id)
        return wave.state, wave.opens_on, wave.closes_on


def confirm(client, wave_id, state, **data):
    """Open the confirmation page, then send its form."""
    page = client.get(f"/admin/waves/{wave_id}/state?state={state}")
    assert page.status_code == 200, page.text
    return page, client.post(f"/admin/waves/{wave_id}/state", data={
        "csrf_token": csrf_token(page.text), "state": state, **data})


def test_asking_changes_nothing_and_shows_the_new_dates(app, admin):
    wave_id = make_wave(app, "draft", TODAY + 10 * DAY, TODAY + 40 * DAY)
    page = admin.get(f"/admin/waves/{wave_id}/state?state=open")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Die Welle Welle " in text and "öffnen?" in text
    assert f"{(TODAY + 10 * DAY).isoformat()} {TODAY.isoformat()}" in text  # start moves
    assert f'value="{(TODAY + 40 * DAY).isoformat()}"' in page.text  # planned end offered
    assert english_left_over(page.text) == []
    assert dates(app, wave_id)[0] == "draft"


def test_opening_moves_a_future_start_to_today_and_keeps_the_end(app, admin):
    wave_id = make_wave(app, "draft", TODAY + 10 * DAY, TODAY + 40 * DAY)
    _page, done = confirm(admin, wave_id, "open", closes_on=(TODAY + 40 * DAY).isoformat())
    assert done.status_code == 302
    assert dates(app, wave_id) == ("open", TODAY, TODAY + 40 * DAY)
    shown = visible_text(admin.get(done.headers["Location"]).text)
    assert "Die Welle ist geöffnet" in shown and "open" not in shown.split("Abmelden")[1]


def test_opening_keeps_a_past_start(app, admin):
    wave_id = make_wave(app, "draft", TODAY - 3 * DAY, TODAY + 5 * DAY)
    confirm(admin, wave_id, "open", closes_on=(TODAY + 5 * DAY).isoformat())
    assert dates(app, wave_id) == ("open", TODAY - 3 * DAY, TODAY + 5 * DAY)


def test_a_draft_whose_end_has_passed_asks_for_a_new_end(app, admin):
    wave_id = make_wave(app, "draft", TODAY - 20 * DAY, TODAY - 10 * DAY)
    page, refused = confirm(admin, wave_id, "open", closes_on="")
    assert 'value=""' in page.text or 'value="' not in re.search(
        r'<input[^>]*name="closes_on"[^>]*>', page.text).group(0)
    assert refused.status_code == 422
    assert "Bitte wählen Sie, bis wann Schülerinnen und Schüler antworten können." in refused.text
    assert dates(app, wave_id)[0] == "draft"
    _page, past = confirm(admin, wave_id, "open", closes_on=(TODAY - DAY).isoformat())
    assert past.status_code == 422 and re.search(r'id="closes_on-error"', past.text)
    assert dates(app, wave_id)[0] == "draft"


def test_closing_sets_the_end_to_today_and_reopening_asks_for_a_new_end(app, admin, world):
    _page, closed = confirm(admin, world.wave_id, "closed")
    assert closed.status_code == 302
    state, opens_on, closes_on = dates(app, world.wave_id)
    assert (state, closes_on) == ("closed", TODAY) and opens_on == TODAY - DAY
    assert "Die Welle ist geschlossen" in admin.get(closed.headers["Location"]).text
    # Reopening without a new end date is refused: the old end is the day it was closed.
    page, refused = confirm(admin, world.wave_id, "open")
    assert "wieder öffnen?" in visible_text(page.text)
    assert refused.status_code == 422 and dates(app, world.wave_id)[0] == "closed"
    _page, reopened = confirm(admin, world.wave_id, "open",
                              closes_on=(TODAY + 14 * DAY).isoformat())
    assert reopened.status_code == 302
    assert dates(app, world.wave_id) == ("open", TODAY - DAY, TODAY + 14 * DAY)
    assert "Die Welle ist wieder geöffnet" in admin.get(reopened.headers["Location"]).text
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert {"wave.close", "wave.reopen"} <= set(actions)


def test_a_reopened_wave_lets_pupils_in_until_its_new_end(app, admin, world):
    confirm(admin, world.wave_id, "closed")
    pupil = app.test_client()
    assert "/survey" not in address(pupil_start(pupil, world.codes_a[0]))
    confirm(admin, world.wave_id, "open", closes_on=(TODAY + 7 * DAY).isoformat())
    page = pupil_start(app.test_client(), world.codes_a[0])
    assert address(page) != "/" and page.status_code == 200


def test_closing_warns_about_pupils_still_answering(app, admin, world):
    page = admin.get(f"/admin/waves/{world.wave_id}/state?state=closed")
    text = visible_text(page.text)
    # The world has one pupil who started and has not submitted.
    assert "1 Schülerin oder Schüler hat begonnen und noch nicht abgeschickt" in text
    assert english_left_over(page.text) == []


def test_the_service_refuses_changes_the_rules_do_not_allow(app, world):
    draft = make_wave(app, "draft", TODAY, TODAY + DAY)
    with app.app_context():
        with pytest.raises(InvalidInput):
            set_wave_state(db.session, None, draft, "closed")  # never open
        with pytest.raises(InvalidInput):
            set_wave_state(db.session, None, world.wave_id, "open")  # open already
        with pytest.raises(InvalidInput):
            set_wave_state(db.session, None, draft, "open", closes_on=TODAY - DAY)
        db.session.rollback()
    assert dates(app, draft)[0] == "draft"


def test_the_wave_page_warns_when_the_end_date_has_passed(app, admin):
    wave_id = make_wave(app, "open", TODAY - 20 * DAY, TODAY - 2 * DAY)
    page = admin.get(f"/admin/waves/{wave_id}")
    assert "ist verstrichen" in page.text
    assert english_left_over(page.text) == []


def test_a_post_without_a_valid_state_is_refused(app, admin, world):
    page = admin.post(f"/admin/waves/{world.wave_id}/state",
                      data={"csrf_token": token_of(admin), "state": "archived"})
    assert page.status_code == 404 and dates(app, world.wave_id)[0] == "open"


def test_a_change_the_rules_do_not_allow_is_explained_on_the_wave_page(app, admin, world):
    page = admin.get(f"/admin/waves/{world.wave_id}/state?state=open")  # open already
    assert page.status_code == 302
    shown = admin.get(page.headers["Location"]).text
    assert "Die Welle ist bereits geöffnet." in shown and english_left_over(shown) == []
    draft = make_wave(app, "draft", TODAY, TODAY + DAY)
    page = admin.get(f"/admin/waves/{draft}/state?state=closed")  # never opened
    assert "Nur eine geöffnete Welle kann geschlossen werden." in admin.get(
        page.headers["Location"]).text
