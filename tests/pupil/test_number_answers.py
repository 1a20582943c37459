"""Number questions: the decimal comma, and mistakes explained in the pupil's language.

A mistyped number is the pupil's mistake, not tampering: the page comes back
with a message that names the question by its text, the rest of the page is
saved, and "pause" and "back" are never blocked.
"""

from __future__ import annotations

import os

import pytest

from survey_app.extensions import db
from survey_app.models import Response
from tests.conftest import FILES
from tests.factories import small_city
from tests.pupil.conftest import PUPIL_FILES
from tests.pupil.helpers import address, answers_of, checked


@pytest.fixture
def numbers_city(app):
    app.config["QUESTIONNAIRE_DIRS"] = os.pathsep.join([str(FILES), str(PUPIL_FILES)])
    with app.app_context():
        return small_city(codes=3, questionnaire_file=str(PUPIL_FILES / "numbers.yaml"))


@pytest.mark.parametrize("typed, stored", [
    ("8,5", "8.5"), ("8.5", "8.5"), (" 9 ", "9"), ("9,0", "9"), ("٨٫٥", "8.5"), ("14", "14"),
])
def test_the_decimal_comma_is_understood(app, numbers_city, pupil, typed, stored):
    pupil.begin(numbers_city.codes[0])
    page = pupil.post(1, {"sleep_hours": typed, "siblings": "2"})
    assert address(page) == "/survey/page/2"
    with app.app_context():
        assert answers_of()[1] == {"sleep_hours": stored, "siblings": "2"}


def test_a_stored_decimal_is_shown_in_the_pupils_number_format(app, numbers_city, pupil):
    pupil.begin(numbers_city.codes[0])
    pupil.post(1, {"sleep_hours": "8,5"})
    assert checked(pupil.open(1).text)["q_sleep_hours"] == "8,5"
    page = pupil.post(1, {"sleep_hours": "8,5"}, action="lang:en")
    assert checked(page.text)["q_sleep_hours"] == "8.5"


@pytest.mark.parametrize("lang, typed, message", [
    ("de", "85", "Bitte schreib eine Zahl von 3 bis 14, zum Beispiel 8,5."),
    ("de", "acht", "Bitte schreib eine Zahl von 3 bis 14, zum Beispiel 8,5."),
    ("de", "8,25", "Bitte schreib eine Zahl von 3 bis 14, zum Beispiel 8,5."),
    ("en", "2", "Please write a number from 3 to 14, for example 8.5."),
])
def test_a_mistyped_number_is_explained_and_the_rest_is_saved(app, numbers_city, pupil, lang,
                                                                typed, message):
    pupil.begin(numbers_city.codes[0], lang=lang)
    page = pupil.post(1, {"sleep_hours": typed, "siblings": "3"})
    assert page.status_code == 200 and address(page) == "/survey/page/1"
    assert message in page.text
    question = {"de": "Wie viele Stunden schläfst du?", "en": "How many hours do you sleep?"}
    assert f'<a href="#q_sleep_hours">{question[lang]}</a>' in page.text  # named by its text
    assert "sleep_hours:" not in page.text  # never by its code
    assert checked(page.text)["q_sleep_hours"] == typed  # as typed, to correct it
    assert 'aria-invalid="true"' in page.text
    with app.app_context():
        assert answers_of()[1] == {"siblings": "3"}  # the rest of the page is saved
        assert db.session.get(Response, 1).furthest_page == 0  # not moved on


def test_a_whole_number_question_says_so_in_arabic(app, numbers_city, pupil):
    pupil.begin(numbers_city.codes[0], lang="ar")
    page = pupil.post(1, {"siblings": "2,5"})
    assert address(page) == "/survey/page/1"
    assert "كم عدد إخوتك؟" in page.text
    assert "من فضلك اكتب عددًا صحيحًا من 0 إلى 15 بدون فاصلة" in page.text
    with app.app_context():
        assert 1 not in answers_of()


@pytest.mark.parametrize("action, goes_to", [("pause", "/survey/paused"),
                                              ("back", "/survey/assent")])
def test_a_mistyped_number_never_blocks_pause_or_back(app, numbers_city, pupil, action, goes_to):
    pupil.begin(numbers_city.codes[0])
    pupil.post(1, {"sleep_hours": "9"})
    page = pupil.post(1, {"sleep_hours": "99", "siblings": "1"}, action=action)
    assert address(page) == goes_to
    with app.app_context():
        assert answers_of()[1] == {"sleep_hours": "9", "siblings": "1"}  # the mistake not saved


def test_the_page_form_leaves_checking_to_the_server(app, numbers_city, pupil):
    page = pupil.begin(numbers_city.codes[0])
    assert "novalidate" in page.text
    assert 'type="number"' not in page.text and " required" not in page.text
    assert 'inputmode="decimal"' in page.text and 'inputmode="numeric"' in page.text
