"""``wellbeing serve`` prepares the open waves' pupil pages before forking its workers."""

from __future__ import annotations

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Answer, Response, Wave
from survey_app.pupil import form_builder
from survey_app.pupil.texts import LANGUAGES
from survey_app.pupil.warm import warm_pupil_pages
from tests.pupil.test_flow import PAGE_1, district_ids


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Response)),
                db.session.scalar(select(func.count()).select_from(Answer)))


def test_every_page_of_an_open_wave_is_prepared_in_every_language_and_nothing_is_written(
        app, city, pupil):
    form_builder._FORM_CLASSES.clear()
    before = _counts(app)
    pages = warm_pupil_pages(app)
    with app.app_context():
        wave = db.session.get(Wave, city.wave_id)
        from survey_app.services import questionnaires

        questionnaire = questionnaires.find(wave.questionnaire_id, wave.questionnaire_version,
                                            wave.questionnaire_hash,
                                            app.config.get("QUESTIONNAIRE_DIRS"))
    assert pages == len(questionnaire.pages) * len(LANGUAGES)
    assert _counts(app) == before  # the response it renders with is never stored
    prepared = set(form_builder._FORM_CLASSES)
    assert len(prepared) == pages
    # A pupil's pages now use the prepared form classes: none is built on the request.
    pupil.begin(city.codes[0])
    pupil.post(1, {**PAGE_1, "district": district_ids(app)["Nord"]})
    assert set(form_builder._FORM_CLASSES) == prepared


def test_a_wave_whose_questionnaire_is_missing_is_skipped_and_closed_waves_are_not_prepared(
        app, city):
    with app.app_context():
        wave = db.session.get(Wave, city.wave_id)
        pinned, wave.questionnaire_hash = wave.questionnaire_hash, "0" * 64  # file changed
        db.session.commit()
    assert warm_pupil_pages(app) == 0
    with app.app_context():
        wave = db.session.get(Wave, city.wave_id)
        wave.questionnaire_hash = pinned
        db.session.commit()
    assert warm_pupil_pages(app) > 0
    with app.app_context():
        db.session.get(Wave, city.wave_id).state = "closed"
        db.session.commit()
    assert warm_pupil_pages(app) == 0
