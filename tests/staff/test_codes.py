"""Codes: sheets with QR codes, replacement, voiding, closing a class, the CLI (issue 4, item 3)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.cli import main
from survey_app.extensions import db
from survey_app.models import AccessCode, AuditEvent, SchoolClass
from survey_app.services.access_codes import find_code
from tests.staff.conftest import login, pupil_start, token_of
from tests.staff.sheets import read_sheet


@pytest.fixture
def coordinator(app, world):
    client = app.test_client()
    login(client, world.emails["coord_a"])
    return client


def post(client, url, **data):
    return client.post(url, data={"csrf_token": token_of(client), **data})


def code_states(app, class_id):
    with app.app_context():
        return sorted(db.session.scalars(select(AccessCode.state)
                                          .where(AccessCode.class_id == class_id)))


def test_sheet_has_one_slip_per_code_and_qr_codes_to_the_start_page(app, coordinator, world):
    app.config["SURVEY_BASE_URL"] = "https://umfrage.example.de/"
    result = post(coordinator, f"/school/classes/{world.class_a}/codes", count="13")
    assert result.status_code == 200 and result.mimetype == "application/pdf"
    assert "attachment" in result.headers["Content-Disposition"]
    assert result.headers["Cache-Control"] == "no-store"
    sheet = read_sheet(result.data)
    assert sheet.pages == 2 and len(sheet.codes) == 13 == len(set(sheet.codes))
    assert sheet.qr_draws == 13
    # each slip's QR code opens the start page with its own code (in the fragment)
    assert sheet.qr_texts == {f"https://umfrage.example.de/#code={code}" for code in sheet.codes}
    assert "Testschule · Klasse 5a" in sheet.text and "Gib deinen Code ein." in sheet.text
    assert "https://umfrage.example.de/" in sheet.text  # the address to type, without the code
    assert "Sprachen: Deutsch, Englisch" in sheet.text  # the languages of small.yaml
    with app.app_context():
        for code in sheet.codes:
            assert find_code(db.session, code).state == "unused"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "codes.generate"))
        assert event.user_id == world.users["coord_a"] and '"count": 13' in event.details
        assert not any(code in event.details for code in sheet.codes)


def test_without_survey_base_url_the_sheet_uses_this_servers_address(app, coordinator, world):
    result = post(coordinator, f"/school/classes/{world.class_a}/codes", count="1")
    sheet = read_sheet(result.data)
    assert sheet.qr_texts == {f"http://localhost/#code={sheet.codes[0]}"}


@pytest.mark.parametrize("count", ["0", "201", "viele", ""])
def test_bad_count_is_shown_next_to_the_field(app, coordinator, world, count):
    before = code_states(app, world.class_a)
    result = post(coordinator, f"/school/classes/{world.class_a}/codes", count=count)
    assert result.status_code == 422 and 'id="count-error"' in result.text
    assert code_states(app, world.class_a) == before


def test_closed_class_gets_no_codes_until_reopened(app, coordinator, world):
    url = f"/school/classes/{world.class_a_closed}"
    refused = post(coordinator, url + "/codes", count="2")
    assert refused.status_code == 422 and "This class is closed" in refused.text
    assert post(coordinator, url + "/state", state="open").status_code == 302
    assert post(coordinator, url + "/codes", count="2").mimetype == "application/pdf"
    post(coordinator, url + "/state", state="closed", confirmed="yes")
    with app.app_context():
        assert db.session.get(SchoolClass, world.class_a_closed).state == "closed"
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert actions.count("class.reopen") == 1 and actions.count("class.close") == 1


def test_closing_a_class_stops_its_codes(app, coordinator, world):
    post(coordinator, f"/school/classes/{world.class_a}/state", state="closed", confirmed="yes")
    pupil_start(app.test_client(), world.codes_a[0])
    assert code_states(app, world.class_a).count("started") == 1  # only the world's own


def test_void_one_code_and_all_unused(app, coordinator, world):
    url = f"/school/classes/{world.class_a}"
    assert post(coordinator, url + "/void", code=world.codes_a[0].lower()).status_code == 302
    pupil_start(app.test_client(), world.codes_a[0])
    assert code_states(app, world.class_a) == ["started", "unused", "unused", "unused", "void"]
    twice = post(coordinator, url + "/void", code=world.codes_a[0])
    assert twice.status_code == 422 and "void already" in twice.text
    foreign = post(coordinator, url + "/void", code=world.codes_b[0])
    assert foreign.status_code == 422 and "not a code of this class" in foreign.text
    assert "unused" in code_states(app, world.class_b)
    pupil_start(app.test_client(), world.codes_a[1])  # a started code is kept by "void unused"
    assert post(coordinator, url + "/void-unused").status_code == 302
    assert code_states(app, world.class_a) == ["started", "started", "void", "void", "void"]


def test_replacement_slip_voids_the_lost_code(app, coordinator, world):
    url = f"/school/classes/{world.class_a}/replace"
    result = post(coordinator, url, lost=world.codes_a[2])
    sheet = read_sheet(result.data)
    assert len(sheet.codes) == 1 and sheet.codes[0] not in world.codes_a
    assert code_states(app, world.class_a).count("void") == 1
    unknown = post(coordinator, url, lost="AAAA-AAAA-AA")
    assert unknown.status_code == 422 and 'id="lost-error"' in unknown.text
    without = post(coordinator, url, lost="")
    assert len(read_sheet(without.data).codes) == 1
    assert len(code_states(app, world.class_a)) == 7


def test_cli_generates_codes_and_a_sheet(app, runner, world, tmp_path):
    pdf = tmp_path / "5a.pdf"
    app.config["SURVEY_BASE_URL"] = "https://umfrage.example.de/start"
    result = runner.invoke(main, ["codes", "generate", "--wave", "Test 2026", "--school",
                                  "Testschule", "--class", "5a", "--count", "3", "--pdf",
                                  str(pdf)])
    assert result.exit_code == 0, result.output
    printed = result.output.split()
    assert len(printed) == 3
    sheet = read_sheet(pdf.read_bytes())
    assert sheet.codes == printed
    assert sheet.qr_texts == {f"https://umfrage.example.de/start#code={c}" for c in printed}
    with app.app_context():
        assert all(find_code(db.session, c) is not None for c in printed)
    missing = runner.invoke(main, ["codes", "generate", "--wave", "Test 2026", "--school",
                                   "Testschule", "--class", "9z", "--count", "3"])
    assert missing.exit_code == 2 and "no single class named '9z'" in missing.output
    closed = runner.invoke(main, ["codes", "generate", "--wave", "Test 2026", "--school",
                                  "Testschule", "--class", "5b", "--count", "3"])
    assert closed.exit_code == 1 and "closed" in closed.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AccessCode)) == 5 + 2 + 3 + 3


def test_closing_a_class_first_shows_who_is_still_answering(app, coordinator, world):
    url = f"/school/classes/{world.class_a}"
    asked = post(coordinator, url + "/state", state="closed")
    assert asked.status_code == 200
    assert "1 pupil of this class has started and not submitted yet." in asked.text
    assert 'name="confirmed" value="yes"' in asked.text
    with app.app_context():
        assert db.session.get(SchoolClass, world.class_a).state == "open"
    done = post(coordinator, url + "/state", state="closed", confirmed="yes")
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(SchoolClass, world.class_a).state == "closed"


def test_closing_a_class_nobody_is_answering_in_says_so(app, coordinator, world):
    asked = post(coordinator, f"/school/classes/{world.class_b}/state", state="closed")
    assert asked.status_code == 404  # coordinator A may not touch school B's class
    admin = app.test_client()
    login(admin, world.emails["admin"])
    asked = post(admin, f"/school/classes/{world.class_b}/state", state="closed")
    assert asked.status_code == 200 and "No pupil of this class is answering" in asked.text
