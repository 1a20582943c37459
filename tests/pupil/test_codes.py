"""Entering a code: each kind of refused code gets its message and starts nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from survey_app.extensions import db
from survey_app.models import AccessCode, Response, Wave
from survey_app.services.access_codes import code_hash
from tests.pupil.helpers import Pupil, address
from tests.forms import csrf_token


def responses() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def test_a_code_typed_loosely_opens_the_assent_page_and_starts_one_response(app, city, pupil):
    result = pupil.start("  " + city.codes[0].lower().replace("-", " ") + " ")
    assert address(result) == "/survey/assent"
    again = Pupil(app.test_client()).start(city.codes[0])  # a second tab or device resumes
    assert address(again) == "/survey/assent"
    with app.app_context():
        assert responses() == 1
        states = db.session.scalars(select(AccessCode.state)).all()
        assert sorted(states).count("started") == 1


@pytest.mark.parametrize("typed", ["ZZZZ-ZZZZ-ZZ", "<script>", "", "0O1I-L0O1-IL", "x" * 41])
def test_unknown_or_malformed_codes_get_one_message_that_reveals_nothing(app, city, pupil, typed):
    result = pupil.start(typed)
    assert result.status_code == 200 and address(result) == "/"
    message = ("Bitte gib deinen Code ein." if not typed else
               "Diesen Code kennen wir nicht. Bitte prüfe ihn und versuche es noch einmal.")
    assert message in result.text
    with app.app_context():
        assert responses() == 0


def test_a_used_code_cannot_be_used_again(app, city, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, {})
    pupil.post(2, {}, action="submit")
    result = Pupil(app.test_client()).start(city.codes[0])
    assert "Dieser Code wurde schon benutzt." in result.text


def test_a_voided_code_gets_its_message(app, city, pupil):
    with app.app_context():
        db.session.execute(update(AccessCode).where(
            AccessCode.code_hash == code_hash(city.codes[2])).values(state="void"))
        db.session.commit()
    result = pupil.start(city.codes[2])
    assert "Dieser Code ist nicht mehr gültig." in result.text
    with app.app_context():
        assert responses() == 0


def test_a_code_of_a_closed_class_gets_its_message(app, city, pupil):
    result = pupil.start(city.closed_class_codes[0])
    assert "Die Befragung für deine Klasse ist gerade nicht geöffnet." in result.text
    with app.app_context():
        assert responses() == 0


@pytest.mark.parametrize("change", [{"state": "closed"},
                                    {"closes_on": dt.date.today() - dt.timedelta(days=1)}])
def test_a_code_of_a_closed_wave_gets_its_message(app, city, pupil, change):
    with app.app_context():
        if "closes_on" in change:
            change["opens_on"] = change["closes_on"] - dt.timedelta(days=5)
        db.session.execute(update(Wave).values(**change))
        db.session.commit()
    result = pupil.start(city.codes[0])
    assert "nicht geöffnet" in result.text


def test_messages_come_in_the_chosen_language(app, city, pupil):
    assert "This code has already" not in pupil.start("ZZZZ-ZZZZ-ZZ", lang="en").text
    assert "We do not know this code." in pupil.last.text
    assert "لا نعرف هذا الرمز." in pupil.start("ZZZZ-ZZZZ-ZZ", lang="ar").text


def test_start_without_csrf_token_is_refused(app, city, client):
    result = client.post("/", data={"code": city.codes[0]})
    assert result.status_code == 400
    assert "Traceback" not in result.text
    with app.app_context():
        assert responses() == 0


def test_a_new_code_in_the_same_browser_starts_afresh(app, city, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, {"grade": "5"})
    page = pupil.client.get("/")
    result = pupil.client.post("/", data={"csrf_token": csrf_token(page.text),
                                          "code": city.codes[1]}, follow_redirects=True)
    assert address(result) == "/survey/assent"
    with app.app_context():
        assert responses() == 2
