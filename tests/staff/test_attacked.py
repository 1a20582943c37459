"""Staff pages as an attacker would use them (issue 12, findings 8-10)."""

from __future__ import annotations

import re
import time

import pytest

from survey_app.extensions import db
from survey_app.services import audit
from tests.staff.conftest import login


@pytest.fixture
def admin(app, world):
    client = app.test_client()
    login(client, world.emails["admin"])
    return client


def _page_label(text: str) -> tuple[int, int]:
    found = re.search(r"(?:Seite|Page) (-?\d+) (?:von|of) (\d+)", text)
    assert found, "no page label"
    return int(found.group(1)), int(found.group(2))


@pytest.mark.parametrize("page,shown", [("-3", 1), ("0", 1), ("abc", 1), ("2", 2),
                                        ("9" * 25, 2), ("-" + "9" * 25, 1), ("3", 2)])
def test_audit_page_numbers_are_clamped_never_a_500(app, admin, world, page, shown):
    with app.app_context():
        for number in range(60):  # more than one page of 50
            audit.record(db.session, None, "test.event", number=number)
        db.session.commit()
    result = admin.get(f"/admin/audit?page={page}")
    assert result.status_code == 200
    assert _page_label(result.text) == (shown, 2)


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01&date_to=9999-12-31",
                                   "date_from=9999-12-31"])
def test_audit_dates_at_the_calendar_s_ends_are_no_500(app, admin, world, query):
    """Found by attacking the staff side: the day after 9999-12-31 overflowed."""
    with app.app_context():
        audit.record(db.session, None, "test.event")
        db.session.commit()
    result = admin.get(f"/admin/audit?{query}")
    assert result.status_code == 200
    assert ("<td>test.event</td>" in result.text) == ("date_from=9999" not in query)


def test_the_automatic_reload_does_not_keep_a_forgotten_session_alive(app, world):
    client = app.test_client()
    login(client, world.emails["coord_a"])
    page = client.get("/school/")
    refresh = re.search(r'<meta http-equiv="refresh" content="(\d+);url=([^"]+)">', page.text)
    assert refresh, "the response-rate page reloads itself while a wave is open"
    url = refresh.group(2).replace("&amp;", "&")
    with client.session_transaction() as session:
        session["staff_seen_at"] = time.time() - 20 * 60
    assert client.get(url).status_code == 200  # still within the idle time: shown
    with client.session_transaction() as session:
        assert time.time() - session["staff_seen_at"] > 19 * 60  # ... but not extended
        session["staff_seen_at"] = time.time() - 31 * 60
    assert client.get(url).status_code == 302  # idle too long: logged out
    assert client.get("/school/").status_code == 302


def test_a_click_still_counts_as_activity(app, world):
    client = app.test_client()
    login(client, world.emails["coord_a"])
    with client.session_transaction() as session:
        session["staff_seen_at"] = time.time() - 20 * 60
    assert client.get("/school/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session["staff_seen_at"] < 5


BAD_ADDRESSES = ["a@b", "foo@@bar.de", "anna schmidt@stadt.de", "x@stadt.de.", "x@.de",
                 "x@stadt..de", "x@demo.invalid", "<script>@stadt.de", "@stadt.de", "x@",
                 "x@-stadt.de"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_staff_e_mail_addresses_are_checked_for_format(app, admin, world, address):
    from sqlalchemy import func, select

    from survey_app.models import StaffUser
    from tests.staff.conftest import token_of

    def accounts():
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(StaffUser))

    before = accounts()
    result = admin.post("/admin/users/new", data={
        "csrf_token": token_of(admin), "email": address, "role": "coordinator",
        "schools": str(world.school_a), "password": "ein gutes passwort"})
    assert result.status_code == 422 and "valid e-mail address" in result.text
    assert accounts() == before


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_the_account_service_refuses_malformed_addresses_too(app, world, address):
    from survey_app.services.errors import InvalidInput
    from survey_app.services.staff import create_user

    with app.app_context(), pytest.raises(InvalidInput) as refused:
        create_user(db.session, None, address, "admin", "ein gutes passwort")
    assert refused.value.field == "email"


def test_a_well_formed_address_is_accepted(app, world):
    from survey_app.services.staff import create_user

    with app.app_context():
        user = create_user(db.session, None, "Anna.Schmidt@Stadt-Nord.de", "admin",
                           "ein gutes passwort")
        assert user.email == "anna.schmidt@stadt-nord.de"


def _login(client, email, password, address):
    from tests.forms import csrf_token

    page = client.get("/staff/login", environ_base={"REMOTE_ADDR": address})
    return client.post("/staff/login", data={"csrf_token": csrf_token(page.text), "email": email,
                                             "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_the_owner_gets_in_while_their_account_is_attacked(app, world):
    from tests.staff.conftest import PASSWORD

    email = world.emails["coord_a"]
    attacker = app.test_client()
    statuses = [_login(attacker, email, f"falsch {n}", f"192.0.2.{n % 5}").status_code
                for n in range(30)]  # 21 and more used to lock the owner out for an hour
    assert statuses == [200] * 25 + [429] * 5  # after 20: one try per slot and address
    owner = app.test_client()
    assert _login(owner, email, PASSWORD, "198.51.100.20").status_code == 302  # at once


def test_only_failed_logins_count_and_a_success_resets(app, world):
    from tests.staff.conftest import PASSWORD

    app.config.update(STAFF_LOGIN_LIMIT="3 per minute", STAFF_ACCOUNT_LOGIN_LIMIT="3 per hour",
                      STAFF_LOGIN_RETRY="1 per hour", STAFF_ACCOUNT_LOGIN_RETRY="1 per hour")
    email, address = world.emails["admin"], "198.51.100.30"
    for _ in range(6):  # correct logins never count
        assert _login(app.test_client(), email, PASSWORD, address).status_code == 302
    client = app.test_client()
    assert [_login(client, email, "falsch", "198.51.100.31").status_code
            for _ in range(2)] == [200, 200]
    assert _login(client, email, PASSWORD, "198.51.100.31").status_code == 302  # resets
    other = app.test_client()
    assert [_login(other, email, "falsch", "198.51.100.32").status_code
            for _ in range(3)] == [200, 200, 200]  # a fresh budget of three
    assert _login(other, email, "falsch", "198.51.100.32").status_code == 200  # the slot
    waiting = _login(other, email, PASSWORD, "198.51.100.32")
    assert waiting.status_code == 429 and int(waiting.headers["Retry-After"]) > 60


def test_huge_ids_in_any_address_are_not_found_never_a_500(app, admin):
    from werkzeug.routing import IntegerConverter

    checked = []
    for rule in app.url_map.iter_rules():
        converters = rule._converters
        if not rule.arguments or not all(isinstance(converters[name], IntegerConverter)
                                         for name in rule.arguments):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", "9" * 25)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            result = admin.open(url, method=method)
            checked.append((method, url, result.status_code))
    assert len(checked) >= 10
    assert [c for c in checked if c[2] >= 500] == []
    assert all(status in (302, 400, 404) for _m, _u, status in checked), checked
