"""The pupil's language stays with the response: pause page and resuming speak it."""

from __future__ import annotations

from survey_app.extensions import db
from survey_app.models import Response
from tests.pupil.helpers import Pupil, address


def test_pause_page_and_resuming_speak_the_pupils_language(app, city, client):
    pupil = Pupil(client)
    pupil.begin(city.codes[0], lang="ar")
    page = pupil.post(1, {"grade": "7"}, action="pause")
    assert page.request.path == "/survey/paused"
    assert '<html lang="ar" dir="rtl">' in page.text

    with app.test_client() as other_device:  # a tablet that never saw this pupil
        later = Pupil(other_device)
        page = later.start(city.codes[0])
        assert address(page) == "/survey/assent"  # page 1 was not passed yet
        assert '<html lang="ar" dir="rtl">' in page.text
        page = later.agree()
        assert address(page) == "/survey/page/1"
        assert "الصفحة 1 من 2" in page.text  # "page 1 of 2" in Arabic


def test_a_language_chosen_before_resuming_wins(app, city, client):
    pupil = Pupil(client)
    pupil.begin(city.codes[0], lang="ar")
    pupil.post(1, {"grade": "7"}, action="pause")
    with app.test_client() as other_device:
        page = Pupil(other_device).start(city.codes[0], lang="uk")
        assert '<html lang="uk" dir="ltr">' in page.text
    with app.app_context():
        assert db.session.get(Response, 1).language == "uk"


def test_the_next_pupil_on_a_paused_tablet_gets_their_own_response_language(app, city, client):
    first = Pupil(client)
    first.begin(city.codes[0], lang="ar")
    first.post(1, {}, action="pause")
    with app.test_client() as elsewhere:
        Pupil(elsewhere).begin(city.codes[1], lang="tr")
        Pupil(elsewhere).post(1, {}, action="pause")
    page = Pupil(client).start(city.codes[1])  # same tablet, the Arabic pause page was open
    assert '<html lang="tr" dir="ltr">' in page.text
