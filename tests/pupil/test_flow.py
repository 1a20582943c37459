"""The pupil's whole flow with the test client (issue 3, "done when")."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AccessCode, Response
from tests.forms import csrf_token
from tests.pupil.helpers import Pupil, address, all_rows, answers_of, checked

PAGE_1 = {"grade": "6", "gender": "99", "district": None}
PAGE_2 = {"happy_1": "1", "happy_2": "4", "happy_3": "99", "sad_1": "2", "sad_2": "3",
          "club": "1", "club_name": "Schwimmverein Süd"}


def district_ids(app) -> dict[str, str]:
    from survey_app.models import District

    with app.app_context():
        return {d.name: str(d.id) for d in db.session.scalars(select(District))}


def test_whole_flow_with_every_item_type(app, city, pupil):
    page = pupil.start(city.codes[0])
    assert address(page) == "/survey/assent"
    assert "anonym" in page.text and "überspringen" in page.text
    page = pupil.agree()
    assert address(page) == "/survey/page/1"
    assert "Seite 1 von 2" in page.text
    assert 'inputmode="numeric"' in page.text and "Zahl von 5 bis 10" in page.text  # number
    assert "Nord" in page.text and "Weiß ich nicht" in page.text  # wave_list
    district = district_ids(app)["Mitte"]
    page = pupil.post(1, {**PAGE_1, "district": district})
    assert address(page) == "/survey/page/2" and "Seite 2 von 2" in page.text
    assert page.text.count('class="smiley"') == 5 * 4  # rating items with smileys
    page = pupil.post(2, PAGE_2, action="submit")
    assert address(page) == "/survey/thanks"
    assert "116 111" in page.text
    with app.app_context():
        assert answers_of() == {1: {"grade": "6", "gender": "99", "district": district,
                                    **PAGE_2}}
        response = db.session.get(Response, 1)
        assert response.status == "submitted" and response.submitted_on == dt.date.today()
        assert response.language == "de"
        # the answers as submitted, kept with the response for the results (issue 10)
        kept = dict(piece.split("\x1f") for piece in response.submitted_answers.split("\x1e"))
        assert kept == answers_of()[1]
        assert db.session.get(AccessCode, response.access_code_id).state == "submitted"


def test_resume_after_leaving_midway_shows_earlier_answers(app, client, city, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, {"grade": "7", "gender": "1", "district": "dont_know"})
    later = Pupil(app.test_client())  # the next lesson, another tablet
    page = later.start(city.codes[0].lower().replace("-", " "))
    assert address(page) == "/survey/page/2"  # first page not yet passed, no assent again
    page = later.open(1)
    assert checked(page.text) == {"q_grade": "7", "q_gender": "1", "q_district": "dont_know"}


def test_the_code_and_the_assent_are_answered_with_the_next_page(app, client, city, pupil):
    """The code is answered with the assent page, and the assent with the first page, not
    with redirects to them: two round trips fewer for every pupil's start on school Wi-Fi
    (issue 12). The pages name their own address (page_address.js shows it)."""
    def enter(browser, code):
        start = browser.get("/")
        return browser.post("/", data={"csrf_token": csrf_token(start.text), "code": code})

    entered = enter(client, city.codes[0])
    assert entered.status_code == 200 and address(entered) == "/survey/assent"
    assert "Bevor es losgeht" in entered.text
    # its language links lead back to the assent page, not to the start
    assert 'href="/language/en?next=pupil.assent"' in entered.text
    # the form carries the new session's CSRF token: agreeing works without another request
    agreed = client.post("/survey/assent", data={"csrf_token": csrf_token(entered.text)})
    assert agreed.status_code == 200 and address(agreed) == "/survey/page/1"
    assert "Seite 1 von 2" in agreed.text
    assert client.get("/survey/assent").status_code == 200  # reloading the address works
    pupil.post(1, {"grade": "7", "gender": "1", "district": "dont_know"})
    back_again = enter(app.test_client(), city.codes[0])  # another tablet, later
    assert back_again.status_code == 303 and back_again.location == "/survey/page/2"


def test_a_new_code_on_a_device_with_a_session_gets_a_working_assent_form(app, client, city):
    """The code clears the device's session (another pupil's); the assent page it is
    answered with must carry a token the new session accepts."""
    first = client.get("/")
    client.post("/", data={"csrf_token": csrf_token(first.text), "code": city.codes[0]})
    again = client.get("/")  # the next pupil on the same tablet
    entered = client.post("/", data={"csrf_token": csrf_token(again.text),
                                     "code": city.codes[1]})
    agreed = client.post("/survey/assent", data={"csrf_token": csrf_token(entered.text)})
    assert agreed.status_code == 200 and address(agreed) == "/survey/page/1"
    with app.app_context():
        second = db.session.get(Response, 2)
        assert db.session.get(AccessCode, second.access_code_id).state == "started"


def test_reloading_the_assent_page_without_javascript_resumes(app, client, city):
    """Without JavaScript the assent page keeps the code's address: reloading it posts the
    code form again, which must show the assent page again, not a stale-form error."""
    start = client.get("/")
    form = {"csrf_token": csrf_token(start.text), "code": city.codes[0]}
    entered = client.post("/", data=form)
    reloaded = client.post("/", data=form)
    assert reloaded.status_code == 200 and address(reloaded) == "/survey/assent"
    agreed = client.post("/survey/assent", data={"csrf_token": csrf_token(entered.text)})
    assert address(agreed) == "/survey/page/1"
    with app.app_context():
        assert len(db.session.scalars(select(Response)).all()) == 1


def test_back_keeps_answers_and_saves_the_page_left(app, city, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, {"grade": "5", "gender": "2"})
    page = pupil.post(2, {"happy_1": "3"}, action="back")
    assert address(page) == "/survey/page/1"
    assert checked(page.text) == {"q_grade": "5", "q_gender": "2"}
    page = pupil.open(2)
    assert checked(page.text) == {"q_happy_1": "3"}


def test_saving_a_page_twice_stores_each_answer_once(app, city, pupil):
    pupil.begin(city.codes[0])
    for _ in range(3):
        pupil.post(1, {"grade": "8", "gender": "3"})
    pupil.post(1, {"grade": "9", "gender": "3"})
    with app.app_context():
        assert answers_of() == {1: {"grade": "9", "gender": "3"}}
        assert all_rows()["answer"] == 2


def test_two_sessions_with_one_code_end_with_one_response(app, city):
    first, second = Pupil(app.test_client()), Pupil(app.test_client())
    first.begin(city.codes[1])
    second.begin(city.codes[1])
    first.post(1, {"grade": "5"})
    second.post(1, {"grade": "6", "gender": "1"})
    first.post(2, {"happy_1": "2"}, action="submit")
    late = second.post(2, {"happy_1": "4"}, action="submit")
    assert address(late) == "/survey/thanks"  # already sent: nothing changes
    with app.app_context():
        assert all_rows()["response"] == 1
        assert answers_of() == {1: {"grade": "6", "gender": "1", "happy_1": "2"}}


def test_submitting_again_changes_nothing(app, city, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, {"grade": "5"})
    pupil.post(2, {"happy_1": "2"}, action="submit")
    again = pupil.post(2, {"happy_1": "4"}, action="submit")
    assert address(again) == "/survey/thanks"
    with app.app_context():
        assert answers_of() == {1: {"grade": "5", "happy_1": "2"}}
        assert db.session.get(Response, 1).submitted_answers == "grade\x1f5\x1ehappy_1\x1f2"


def test_clearing_an_answer_removes_it(app, city, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, {"grade": "6", "gender": "2"})
    page = pupil.post(1, {"grade": "6", "gender": "2"}, action="clear:gender")
    assert address(page) == "/survey/page/1"
    assert checked(page.text) == {"q_grade": "6"}
    pupil.post(1, {"gender": "1"})  # grade left empty: removed
    with app.app_context():
        assert answers_of() == {1: {"gender": "1"}}


def test_answers_to_hidden_items_are_not_stored(app, city, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, {})
    pupil.post(2, {"club": "0", "club_name": "Geheim"}, action="save")
    with app.app_context():
        assert answers_of() == {1: {"club": "0"}}
    pupil.post(2, {"club": "1", "club_name": "Judo"}, action="save")
    pupil.post(2, {"club": "0", "club_name": "Judo"}, action="save")
    with app.app_context():
        assert answers_of() == {1: {"club": "0"}}


def test_a_same_page_condition_is_shown_and_hidden_by_css(app, city, pupil):
    pupil.begin(city.codes[0])
    page = pupil.post(1, {})
    assert 'id="q-club_name"' in page.text
    import re

    sheet = re.search(r'<link rel="stylesheet" href="(/survey/conditions\.css[^"]*)">', page.text)
    assert sheet and "<style" not in page.text  # a stylesheet: no inline style (CSP)
    css = pupil.client.get(sheet.group(1).replace("&amp;", "&"))
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert ('#page-form:not(:has([name="q_club"][value="1"]:checked)) #q-club_name '
            '{ display: none; }') in css.text


def test_a_page_whose_items_are_all_hidden_is_skipped(app, branching_city, pupil):
    page = pupil.begin(branching_city.codes[0])
    assert "Auch Fische zählen." in page.text  # help text
    page = pupil.post(1, {"has_pet": "0"})
    assert address(page) == "/survey/page/3"
    page = pupil.post(3, {"remark": "  Tschüss  "}, action="back")
    assert address(page) == "/survey/page/1"
    page = pupil.post(1, {"has_pet": "1"})
    assert address(page) == "/survey/page/2" and "Tiere" in page.text  # unit
    pupil.post(2, {"pet_count": "3", "pet_walks": "1"})
    pupil.post(1, {"has_pet": "0"}, action="save")  # changes their mind: page 2 is hidden
    with app.app_context():
        assert answers_of() == {1: {"has_pet": "0", "remark": "Tschüss"}}


def test_required_questions_are_asked_again_before_moving_on(app, branching_city, pupil):
    pupil.begin(branching_city.codes[0])
    page = pupil.post(1, {})
    assert address(page) == "/survey/page/1"
    assert "Bitte beantworte diese Frage." in page.text
    page = pupil.post(1, {}, action="pause")  # pausing and going back never need answers
    assert "Deine Antworten sind gespeichert" in page.text
    with app.app_context():
        assert db.session.get(Response, 1).furthest_page == 0


def test_the_last_page_is_reached_only_in_order(app, city, pupil):
    pupil.begin(city.codes[0])
    page = pupil.open(2)
    assert address(page) == "/survey/page/1"


def test_language_switch_saves_the_page_and_keeps_answers(app, city, pupil):
    pupil.begin(city.codes[0])
    page = pupil.post(1, {"grade": "7"}, action="lang:en")
    assert address(page) == "/survey/page/1"
    assert "Page 1 of 2" in page.text and "Which grade are you in?" in page.text
    assert checked(page.text) == {"q_grade": "7"}
    page = pupil.post(1, {"grade": "7"}, action="lang:ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "الصفحة 1 من 2" in page.text
    # small.yaml has no Arabic: the question is shown in its first language, marked as such
    assert '<span class="question-text" lang="de">In welcher Klasse bist du?</span>' in page.text
    with app.app_context():
        assert db.session.get(Response, 1).language == "ar"


def test_the_assent_page_explains_in_the_chosen_language(app, city, pupil):
    page = pupil.start(city.codes[0], lang="uk")
    assert address(page) == "/survey/assent"
    assert "Опитування анонімне." in page.text and '<html lang="uk" dir="ltr">' in page.text


def test_help_text_on_the_thank_you_page_is_configurable(app, city, pupil):
    app.config["HELPLINE_TEXT"] = "Schulsozialarbeit: Raum 12, Tel. 0201 123"
    pupil.begin(city.codes[0])
    pupil.post(1, {})
    page = pupil.post(2, {}, action="submit")
    assert "Schulsozialarbeit: Raum 12" in page.text


def test_built_in_help_text_names_the_childrens_helpline(app, branching_city, pupil):
    pupil.begin(branching_city.codes[0])
    pupil.post(1, {"has_pet": "0"})
    page = pupil.post(3, {}, action="submit")
    assert "Nummer gegen Kummer" in page.text and "116 111" in page.text


def test_the_district_question_has_a_map_when_districts_have_shapes(app, city, pupil):
    from survey_app.demo.seed import district_polygon
    from survey_app.models import District

    with app.app_context():
        for index, district in enumerate(db.session.scalars(select(District))):
            district.geometry = district_polygon(index)
        db.session.commit()
    page = pupil.begin(city.codes[0])
    assert "<figure class=\"district-map\" data-for=\"q_district\">" in page.text
    assert page.text.count("class=\"district-shape\"") == 3


def test_pupil_pages_without_a_code_lead_to_the_start(client, city):
    for path in ("/survey", "/survey/assent", "/survey/page/1", "/survey/thanks"):
        assert client.get(path).headers["Location"] == "/"
