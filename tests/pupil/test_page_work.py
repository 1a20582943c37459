"""What one page view and one page save do (issue 12: per-request work).

The answers of a response are read once per request (a save used to read
them twice: once to validate, once under the lock), and the options rendered
once per page form show the pupil's answer exactly as the macro would.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from survey_app.extensions import db
from survey_app.models import AccessCode, Response
from survey_app.pupil.conditions import visible_items
from survey_app.pupil.layout import layout
from tests.conftest import FILES
from tests.pupil.helpers import address, checked, hidden_fields
from tests.pupil.test_flow import PAGE_1, PAGE_2, district_ids

_READS_ANSWERS = re.compile(r"^\s*SELECT\b.*\bFROM answer\b", re.IGNORECASE | re.DOTALL)
_READS_RESPONSE = re.compile(r"^\s*SELECT\b.*\bFROM response\b", re.IGNORECASE | re.DOTALL)


class Statements:
    """The SQL statements the app's engine runs while the block is open."""

    def __init__(self, app):
        self.app, self.seen = app, []

    def _record(self, _conn, _cursor, statement, *_args):
        self.seen.append(statement)

    def _commit(self, _conn):
        self.seen.append("COMMIT")

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._record)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._record)
        event.remove(self.engine, "commit", self._commit)

    def answer_reads(self) -> int:
        return sum(1 for s in self.seen if _READS_ANSWERS.match(s))

    def response_reads(self) -> list[str]:
        return [s for s in self.seen if _READS_RESPONSE.match(s)]

    def after_commit(self) -> list[str]:
        return self.seen[self.seen.index("COMMIT") + 1:] if "COMMIT" in self.seen else []


def test_a_page_save_and_a_page_view_read_the_answers_once(app, city, client, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, {**PAGE_1, "district": district_ids(app)["Nord"]})
    data = hidden_fields(client.get("/survey/page/2").text)
    data.update({f"q_{code}": value for code, value in PAGE_2.items()}, action="save")
    with Statements(app) as save:
        shown = client.post("/survey/page/2", data=data)
    with Statements(app) as view:
        page = client.get("/survey/page/2")
    assert save.answer_reads() == 1 and view.answer_reads() == 1
    assert shown.status_code == 200 and address(shown) == "/survey/page/2"
    stored = {f"q_{code}": value for code, value in PAGE_2.items()}
    assert checked(shown.text) == stored and checked(page.text) == stored


def test_a_page_save_is_answered_with_the_next_page_without_reading_again(app, city, client,
                                                                          pupil):
    """One request per page save: the next page comes with the answer to the post, rendered
    from the rows the save locked and wrote (no redirect, no query after the commit)."""
    pupil.begin(city.codes[0])
    data = hidden_fields(client.get("/survey/page/1").text)
    data.update({f"q_{code}": value for code, value in PAGE_1.items()}, action="next",
                q_district=str(district_ids(app)["Nord"]))
    with Statements(app) as save:
        shown = client.post("/survey/page/1", data=data)
    assert shown.status_code == 200 and address(shown) == "/survey/page/2"
    assert "Seite 2 von 2" in shown.text and "pupil/page_address.js" in shown.text
    assert hidden_fields(shown.text)["page_id"] == "feelings"
    assert save.after_commit() == []
    # The response is read once, locked with its code, before the post is read and written.
    locking = save.response_reads()
    assert len(locking) == 1
    assert "FOR UPDATE" in locking[0].upper() or save.engine.dialect.name == "sqlite"
    back = hidden_fields(shown.text) | {"action": "back"}
    shown = client.post("/survey/page/2", data=back)
    assert shown.status_code == 200 and address(shown) == "/survey/page/1"
    assert checked(shown.text)["q_grade"] == PAGE_1["grade"]


def test_send_saves_and_submits_on_one_lock_and_one_read_of_the_answers(app, city, client,
                                                                         pupil):
    """"Send" on the last page saves it and submits in one transaction: the response is
    locked and read once, the answers once, and the code is marked used without being
    read again (issue 12: the submit locked and read everything the save had)."""
    pupil.begin(city.codes[0])
    nord = district_ids(app)["Nord"]
    pupil.post(1, {**PAGE_1, "district": nord})
    data = hidden_fields(client.get("/survey/page/2").text)
    data.update({f"q_{code}": value for code, value in PAGE_2.items()}, action="submit")
    with Statements(app) as send:
        done = client.post("/survey/page/2", data=data)
    assert done.status_code == 303 and done.headers["Location"] == "/survey/thanks"
    assert send.answer_reads() == 1 and len(send.response_reads()) == 1
    assert not [s for s in send.seen if re.match(r"\s*SELECT\b.*\bFROM access_code\b", s,
                                                 re.IGNORECASE | re.DOTALL)]
    with app.app_context():
        response = db.session.get(Response, 1)
        assert response.status == "submitted"
        assert db.session.get(AccessCode, response.access_code_id).state == "submitted"
        kept = dict(piece.split("\x1f") for piece in response.submitted_answers.split("\x1e"))
        assert kept == {**PAGE_1, "district": nord, **PAGE_2}


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


def _answer_states(form):
    """No answers; each item's first option; each item's last option (numbers: min, max)."""
    def pick(field, last):
        if field.kind == "choice":
            return str(field.choices[-1 if last else 0].value)
        if field.kind == "number":
            return str(field.maximum if last else field.minimum)
        return "eine Antwort" if last else "x"

    yield {}
    for last in (False, True):
        yield {field.item.code: pick(field, last) for field in form.item_fields()}


def _survey_of(app, city, response_id: int):
    """A pupil's survey of ``city``'s wave, with a response that is not stored."""
    from survey_app.models import Response, Wave
    from survey_app.pupil.current import survey_of

    with app.app_context():
        wave = db.session.get(Wave, city.wave_id)
        db.session.expunge(wave)
        return survey_of(Response(id=response_id, furthest_page=0, language="de"), wave)


@pytest.mark.parametrize("world", ["city", "branching_city"])
def test_questions_kept_on_the_form_class_equal_a_fresh_render(app, world, request):
    """Every question's HTML, taken from the form class's store, is what the macro renders now.

    Each page is shown with several answers and with every item marked as
    missing and not, in German and in Arabic, one after the other on the same
    form classes, so a store keyed on too little would show a stale answer. A page of
    choice questions only, shown again, is made from the store without a form.
    """
    from flask import session

    from survey_app.pupil import navigation
    from survey_app.pupil.current import page_context, page_form_class
    from survey_app.pupil.rendered import rendered_choices

    survey = _survey_of(app, request.getfixturevalue(world), response_id=0)
    questionnaire = survey.questionnaire
    compared = without_form = 0
    for lang in ("de", "ar"):
        # A request of its own per language, as in the app (the catalogue is kept on ``g``).
        with app.test_request_context("/survey"):
            session["lang"] = lang
            fresh = app.jinja_env.get_template("pupil/_macros.html").make_module({"lang": lang})
            for number, page in enumerate(questionnaire.pages, start=1):
                form_class, _map = page_form_class(survey, number)
                states = list(_answer_states(form_class(formdata=None, meta={"csrf": False})))
                for answers in states * 2:
                    for missing in (set(), {item.code for item in page.items}):
                        route = navigation.route(questionnaire, answers)
                        context = page_context(survey, number, answers, route, missing)
                        # None when every question came from the form class's store
                        form = context["form"] or form_class(formdata=None, data={
                            f"q_{item.code}": answers.get(item.code) for item in page.items})
                        without_form += context["form"] is None
                        _form_class, map_ = page_form_class(survey, number, with_map=True)
                        choices = rendered_choices(form, lang)
                        shown = {item.code for item in page.items} - _hidden(page, route)
                        expected = [
                            fresh.question(field, missing, map_, choices.get(field.name))
                            for field in form.item_fields() if field.item.code in shown]
                        assert context["questions"] == expected, (lang, number, answers)
                        compared += len(expected)
    assert compared > (100 if world == "city" else 40)
    assert without_form > 0 or world == "city"  # every page of small.yaml has a text or number


def _hidden(page, route):
    on_page = {item.code for item in page.items}
    return {item.code for item in page.items if item.code not in route.shown
            and not (item.show_if and item.show_if.item in on_page)}


@pytest.mark.parametrize("world", ["city", "branching_city"])
def test_a_page_filled_into_its_shell_equals_the_template(app, world, request):
    """Every page, in German and Arabic, with no answers and with answers (so on other
    places of the route: the branching questionnaire hides pages), filled into the shell
    kept on its form class is byte for byte the template's page; a page with a message of
    its own is the template's."""
    from flask import render_template, session

    from survey_app.pupil import navigation
    from survey_app.pupil.current import page_context, page_form_class
    from survey_app.pupil.page_shell import render_page

    survey = _survey_of(app, request.getfixturevalue(world), response_id=7)
    questionnaire = survey.questionnaire
    compared = 0
    for lang in ("de", "ar"):
        with app.test_request_context("/survey"):
            session["lang"] = lang
            for number in range(1, len(questionnaire.pages) + 1):
                form_class, _map = page_form_class(survey, number)
                states = list(_answer_states(form_class(formdata=None, meta={"csrf": False})))
                everything = navigation.route(questionnaire, {})
                alone = navigation.Route(everything.shown, (number,))  # no page before or after
                routes = [(answers, navigation.route(questionnaire, answers))
                          for answers in states] + [({}, alone), ({}, everything)]
                for answers, route in routes * 2:
                    context = page_context(survey, number, answers, route, set())
                    shown = render_page(context)
                    assert shown == render_template("pupil/page.html", **context)
                    assert hidden_fields(shown) == {"csrf_token": context["csrf_value"],
                                                    "response_token": "7",
                                                    "page_id": questionnaire.pages[number - 1].id}
                    compared += 1
                shells = form_class.__dict__["_page_shells"]
                assert shells and all(shell is not None for shell in shells.values())
        with app.test_request_context("/survey"):  # a request of its own: flashes are read once
            session["lang"], session["_flashes"] = lang, [("error", "Bitte noch einmal.")]
            context = page_context(survey, 1, {}, navigation.route(questionnaire, {}), set())
            assert "Bitte noch einmal." in render_page(context)
    assert compared >= 2 * 10 * len(questionnaire.pages)
