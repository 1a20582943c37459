"""The page forms are built from the definition: one field per item, typed by the item."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from analysis.questionnaire import load
from survey_app.pupil.conditions import visible_items
from survey_app.pupil.form_builder import build_page_form
from tests.conftest import FILES, make_app

SMALL = load(FILES / "small.yaml")
DISTRICTS = [(7, "Nord"), (8, "Süd")]


def form_for(page_index: int, lang: str = "de", data=None):
    form_class = build_page_form(SMALL, SMALL.pages[page_index], lang, DISTRICTS)
    return form_class(formdata=MultiDict(data or {}), meta={"csrf": False})


def test_every_item_of_a_page_becomes_a_field_of_its_kind(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/x.sqlite", tmp_path)
    with app.test_request_context():
        about = form_for(0)
        kinds = {f.name: f.kind for f in about.item_fields()}
        assert kinds == {"q_grade": "number", "q_gender": "choice", "q_district": "choice"}
        assert [c.value for c in about.q_district.choices] == ["7", "8", "dont_know"]
        assert [c.value for c in about.q_gender.choices] == ["1", "2", "3", "99"]
        assert about.q_gender.choices[-1].extra  # "prefer not to say" is shown apart
        feelings = form_for(1, lang="en")
        assert feelings.q_happy_1.label.text == "I am happy with my life."
        assert [c.icon for c in feelings.q_happy_1.choices][:4] == [
            "very_sad", "sad", "happy", "very_happy"]
        assert feelings.q_club_name.max_length == 80


def test_values_are_checked_and_normalised(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/x.sqlite", tmp_path)
    with app.test_request_context():
        good = form_for(0, data={"q_grade": " 07 ", "q_gender": "99", "q_district": "8",
                                 "action": "next"})
        assert good.validate(), good.errors
        assert good.answers() == {"grade": "7", "gender": "99", "district": "8"}
        empty = form_for(1, data={"q_club_name": "   ", "action": "save"})
        assert empty.validate() and set(empty.answers().values()) == {None}
        bad = form_for(0, data={"q_grade": "4", "q_gender": "5", "q_district": "9",
                                "action": "next"})
        assert not bad.validate()
        assert set(bad.errors) == {"q_grade", "q_gender", "q_district"}


def test_conditions_follow_earlier_answers():
    assert "club_name" not in visible_items(SMALL, {})
    assert "club_name" not in visible_items(SMALL, {"club": "0"})
    assert "club_name" in visible_items(SMALL, {"club": "1"})
