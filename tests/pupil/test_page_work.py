"""What one page view and one page save do (issue 12: per-request work).

The answers of a response are read once per request (a save used to read
them twice: once to validate, once under the lock), and the options rendered
once per page form show the pupil's answer exactly as the macro would.
"""

from __future__ import annotations

import re

from sqlalchemy import event

from survey_app.extensions import db
from survey_app.pupil.conditions import visible_items
from survey_app.pupil.layout import layout
from tests.conftest import FILES
from tests.pupil.helpers import checked, hidden_fields
from tests.pupil.test_flow import PAGE_1, PAGE_2, district_ids

_READS_ANSWERS = re.compile(r"^\s*SELECT\b.*\bFROM answer\b", re.IGNORECASE | re.DOTALL)


class Statements:
    """The SQL statements the app's engine runs while the block is open."""

    def __init__(self, app):
        self.app, self.seen = app, []

    def _record(self, _conn, _cursor, statement, *_args):
        self.seen.append(statement)

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def answer_reads(self) -> int:
        return sum(1 for s in self.seen if _READS_ANSWERS.match(s))


def test_a_page_save_and_a_page_view_read_the_answers_once(app, city, client, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, {**PAGE_1, "district": district_ids(app)["Nord"]})
    data = hidden_fields(client.get("/survey/page/2").text)
    data.update({f"q_{code}": value for code, value in PAGE_2.items()}, action="save")
    with Statements(app) as save:
        assert client.post("/survey/page/2", data=data).status_code == 303
    with Statements(app) as view:
        page = client.get("/survey/page/2")
    assert save.answer_reads() == 1 and view.answer_reads() == 1
    assert checked(page.text) == {f"q_{code}": value for code, value in PAGE_2.items()}


def test_pre_rendered_options_check_exactly_the_stored_answer(app, city, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, {**PAGE_1, "district": district_ids(app)["Nord"]})
    for happy in ("1", "4", "99"):  # "99": the set-apart "prefer not to say" option
        page = pupil.post(2, {"happy_1": happy}, action="save")
        radios = re.findall(r'<input type="radio" id="q_happy_1-(x?\d+)" name="q_happy_1" '
                            r'value="([^"]+)"\s*(checked)?>', page.text)
        assert [value for _id, value, mark in radios if mark] == [happy]
        assert [i for i, _v, _m in radios] == ["1", "2", "3", "4", "x1"]  # 4-point scale


def test_a_changed_definition_gets_its_own_layout():
    from analysis.questionnaire import load

    first, second = load(FILES / "small.yaml"), load(FILES / "small.yaml")
    assert layout(first) is layout(first) and layout(second) is not layout(first)
    assert layout(first) == layout(second)  # same file, same rules
    assert "club_name" in visible_items(first, {"club": "1"})
    assert "club_name" not in visible_items(second, {"club": "0"})
