"""The wave's questionnaire file among others of the same id and version (issue 12).

Found by attacking the product: the look-up stopped at the first file with the
wave's id and version, and refused the wave as "changed" when that was a draft
copy (``city-draft.yaml`` sorts before ``city.yaml``), so after a restart
every pupil of the wave got a server error, though the pinned file was there.
"""

from __future__ import annotations

import shutil

import pytest

from survey_app.extensions import db
from survey_app.services import questionnaires
from tests.conftest import FILES
from tests.pupil.helpers import address, all_rows, answers_of, hidden_fields

SMALL = FILES / "small.yaml"


def _folder(tmp_path, *, draft: bool, pinned: bool):
    """A questionnaire folder with a changed copy sorting first and/or the pinned file."""
    if draft:
        (tmp_path / "a-draft.yaml").write_text(SMALL.read_text() + "# draft for next year\n")
    if pinned:
        shutil.copy(SMALL, tmp_path / "small.yaml")
    return str(tmp_path)


@pytest.fixture(autouse=True)
def forget_found():
    questionnaires._FOUND.clear()
    yield
    questionnaires._FOUND.clear()


def test_the_pinned_file_is_found_behind_a_changed_copy(tmp_path):
    pinned = questionnaires.check(SMALL)
    key = (pinned.id, pinned.version, pinned.content_hash)
    found = questionnaires.find(*key, _folder(tmp_path, draft=True, pinned=True))
    assert found.content_hash == pinned.content_hash


def test_a_wave_whose_file_changed_or_is_gone_is_refused_with_the_reason(tmp_path):
    pinned = questionnaires.check(SMALL)
    key = (pinned.id, pinned.version, pinned.content_hash)
    (tmp_path / "changed").mkdir()
    (tmp_path / "empty").mkdir()
    with pytest.raises(questionnaires.QuestionnaireNotFound, match="has changed"):
        questionnaires.find(*key, _folder(tmp_path / "changed", draft=True, pinned=False))
    with pytest.raises(questionnaires.QuestionnaireNotFound, match="is not installed"):
        questionnaires.find(*key, str(tmp_path / "empty"))


def test_pupils_go_on_with_a_draft_beside_the_file_and_are_told_when_it_is_gone(
        app, city, pupil, tmp_path):
    pupil.begin(city.codes[0])
    # the survey team puts a draft for next year beside the wave's file; the server restarts
    app.config["QUESTIONNAIRE_DIRS"] = _folder(tmp_path, draft=True, pinned=True)
    questionnaires._FOUND.clear()
    page = pupil.post(1, {"grade": "7", "gender": "1"})
    assert page.status_code == 200 and address(page) == "/survey/page/2"
    # the wave's own file is removed by mistake: a clear page, nothing stored
    (tmp_path / "small.yaml").unlink()
    questionnaires._FOUND.clear()
    with app.app_context():
        before = (all_rows(), answers_of())
    refused = pupil.post(2, {"happy_1": "3"})
    assert refused.status_code == 503
    assert "Please tell your teacher" in refused.text or "Lehrer" in refused.text
    assert "Traceback" not in refused.text
    with app.app_context():
        assert (all_rows(), answers_of()) == before
        db.session.remove()


def test_a_page_posted_after_a_pause_in_another_tab_says_to_enter_the_code_again(
        app, city, pupil):
    """Two tabs of one browser: "pause" in one ends the session of both."""
    pupil.begin(city.codes[0])
    first_tab = pupil.client.get("/survey/page/1").text
    pupil.post(1, {"grade": "7", "gender": "1"}, action="pause")
    data = hidden_fields(first_tab) | {"action": "next", "q_grade": "5", "q_gender": "2"}
    with app.app_context():
        before = answers_of()
    refused = pupil.client.post("/survey/page/1", data=data)
    assert refused.status_code == 400
    assert "enter your code again" in refused.text or "Code noch einmal" in refused.text
    with app.app_context():
        assert answers_of() == before
