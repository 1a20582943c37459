"""Tampered posts: each is refused with 400 and a clear message, and stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import District, Municipality, Response
from tests.pupil.helpers import all_rows, answers_of

#: (kind, page, answers {item: value}, extra raw fields, envelope overrides, message part)
KINDS = [
    ("unknown item code", 1, {"grade": "6"}, {"q_favourite_colour": "red"}, {},
     "nicht auf dieser Seite"),
    ("item of another page", 1, {"grade": "6"}, {"q_happy_1": "3"}, {},
     "nicht auf dieser Seite"),
    ("field without the item prefix", 1, {}, {"grade": "6"}, {}, "nicht auf dieser Seite"),
    ("value outside the answer scale", 2, {"happy_1": "5"}, {}, {},
     "nicht zu den Auswahlmöglichkeiten"),
    ("not a number for a choice", 2, {"happy_1": "viel"}, {}, {},
     "nicht zu den Auswahlmöglichkeiten"),
    ("prefer-not-to-say on a scale without it", 2, {"club": "99"}, {}, {},
     "nicht zu den Auswahlmöglichkeiten"),
    ("two values for one question", 2, {"happy_1": ["1", "4"]}, {}, {},
     "mehr als eine Antwort"),
    ("an enormous number", 1, {"grade": "9" * 5000}, {}, {},  # > maxlength
     "Bitte schreib eine Zahl von"),
    ("an enormous decimal number", 1, {"grade": "5," + "0" * 20}, {}, {},
     "Bitte schreib eine Zahl von"),
    ("text too long", 2, {"club": "1", "club_name": "x" * 81}, {}, {}, "länger als 80"),
    ("control characters in text", 2, {"club": "1", "club_name": "a\x00b"}, {}, {},
     "nicht erlaubt"),
    ("district of another town", 1, {"district": "OTHER"}, {}, {},
     "nicht zu den Auswahlmöglichkeiten"),
    ("district that is not an id", 1, {"district": "Nord"}, {}, {},
     "nicht zu den Auswahlmöglichkeiten"),
    ("page not in the questionnaire", 9, {}, {}, {"page_id": "about_you"},
     "gehört nicht zum Fragebogen"),
    ("page not reached yet", 2, {"happy_1": "1"}, {}, {"page_id": "feelings"},
     "noch nicht erreicht"),
    ("another page's form", 1, {"grade": "6"}, {}, {"page_id": "feelings"},
     "anderen Seite"),
    ("a response that is not the session's", 1, {"grade": "6"}, {}, {"response_token": "OTHER"},
     "anderen Befragung"),
    ("unknown button", 1, {"grade": "6"}, {}, {"action": "delete_everything"},
     "Diesen Knopf gibt es"),
    ("language not offered", 1, {"grade": "6"}, {}, {"action": "lang:fr"},
     "nicht angeboten"),
    ("clearing a question of another page", 1, {"grade": "6"}, {}, {"action": "clear:happy_1"},
     "nicht auf dieser Seite"),
    ("submitting from a page that is not the last", 1, {"grade": "6"}, {},
     {"action": "submit"}, "letzten Seite"),
]


def _other_town_district(app) -> str:
    with app.app_context():
        town = db.session.scalar(select(Municipality))
        other = Municipality(name="Nachbarstadt", region_id=town.region_id)
        district = District(municipality=other, code="99", name="Fremd")
        db.session.add_all([other, district])
        db.session.commit()
        return str(district.id)


def test_there_are_at_least_twenty_kinds():
    assert len({kind for kind, *_ in KINDS}) >= 20


@pytest.mark.parametrize("kind, number, answers, extra, envelope, message", KINDS,
                         ids=[k[0] for k in KINDS])
def test_a_tampered_post_is_refused_and_stores_nothing(app, city, pupil, kind, number, answers,
                                                       extra, envelope, message):
    pupil.begin(city.codes[0])
    if number == 2 and kind != "page not reached yet":
        pupil.post(1, {"grade": "5"})
    if answers.get("district") == "OTHER":
        answers = {"district": _other_town_district(app)}
    if "response_token" in envelope:  # another pupil's response, started in another browser
        from tests.pupil.helpers import Pupil

        Pupil(app.test_client()).begin(city.codes[1])
        envelope = {"response_token": "2"}
    with app.app_context():
        before = (all_rows(), answers_of(),
                  [(r.furthest_page, r.language, r.status) for r in
                   db.session.scalars(select(Response).order_by(Response.id))])
    if number <= 2:
        result = pupil.post(number, answers, follow=False, extra=extra, envelope=envelope)
    else:
        result = _post_to(pupil, number, envelope)
    assert result.status_code == 400, result.text
    assert message in result.text
    assert "Es wurde nichts geändert." in result.text
    with app.app_context():
        after = (all_rows(), answers_of(),
                 [(r.furthest_page, r.language, r.status) for r in
                  db.session.scalars(select(Response).order_by(Response.id))])
    assert after == before


def _post_to(pupil, number, envelope):
    from tests.pupil.helpers import hidden_fields

    data = hidden_fields(pupil.client.get("/survey/page/1").text)
    data.update(envelope, action="next")
    return pupil.client.post(f"/survey/page/{number}", data=data)


def test_a_post_without_csrf_token_is_refused(app, city, pupil):
    pupil.begin(city.codes[0])
    result = pupil.client.post("/survey/page/1", data={"q_grade": "6", "action": "next",
                                                       "response_token": "1",
                                                       "page_id": "about_you"})
    assert result.status_code == 400
    with app.app_context():
        assert answers_of() == {}


def test_the_page_post_needs_the_pupils_own_session(app, city, pupil):
    pupil.begin(city.codes[0])
    stranger = app.test_client()
    token_page = stranger.get("/")
    from tests.forms import csrf_token

    result = stranger.post("/survey/page/1", data={
        "csrf_token": csrf_token(token_page.text), "response_token": "1",
        "page_id": "about_you", "action": "next", "q_grade": "6"})
    assert result.status_code == 303 and result.headers["Location"] == "/"
    with app.app_context():
        assert answers_of() == {}
