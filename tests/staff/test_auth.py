"""Staff login: passwords, sessions that really end, timeouts, rate limit (issue 4, item 1)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from survey_app.cli import main
from survey_app.extensions import db
from survey_app.models import AuditEvent, StaffUser
from survey_app.services.passwords import policy_problem
from tests.staff.conftest import PASSWORD, login, token_of
from tests.forms import csrf_token


def test_login_goes_to_the_roles_home_and_is_audited(app, client, world):
    assert login(client, world.emails["admin"]).headers["Location"] == "/admin/"
    coordinator = app.test_client()
    assert login(coordinator, world.emails["coord_a"].upper()).headers["Location"] == "/school/"
    planner = app.test_client()
    assert login(planner, world.emails["planner"]).headers["Location"] == "/staff/"
    landing = planner.get("/staff/", follow_redirects=True)
    assert landing.status_code == 200 and "No results have been released" in landing.text
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert actions.count("auth.login") == 3
        assert db.session.get(StaffUser, world.users["admin"]).last_login_at is not None


def test_wrong_password_is_refused_with_a_message_next_to_the_field(app, client, world):
    result = login(client, world.emails["admin"], "falsches passwort")
    assert result.status_code == 200
    assert "E-mail address or password is wrong" in result.text
    assert client.get("/admin/").status_code == 302
    unknown = login(client, "nobody@example.org")
    assert "E-mail address or password is wrong" in unknown.text


def test_deactivated_account_cannot_log_in(app, client, world):
    with app.app_context():
        db.session.get(StaffUser, world.users["coord_a"]).active = False
        db.session.commit()
    assert login(client, world.emails["coord_a"]).status_code == 200
    assert client.get("/school/").status_code == 302


def test_login_replaces_the_session_and_drops_a_pupils_data(app, client, world):
    with client.session_transaction() as session:
        session["response_id"] = 1
    before = client.get_cookie("session").value
    login(client, world.emails["admin"])
    after = client.get_cookie("session").value
    assert before != after
    with client.session_transaction() as session:
        assert "response_id" not in session
    with app.app_context():
        first_token = db.session.get(StaffUser, world.users["admin"]).session_token
    other = app.test_client()
    login(other, world.emails["admin"])
    with app.app_context():
        assert db.session.get(StaffUser, world.users["admin"]).session_token != first_token


def test_a_cookie_copied_before_logout_is_refused_afterwards(app, client, world):
    login(client, world.emails["admin"])
    assert client.get("/admin/").status_code == 200
    copied = client.get_cookie("session").value
    result = client.post("/staff/logout", data={"csrf_token": token_of(client)})
    assert result.headers["Location"] == "/staff/login"
    assert client.get("/admin/").status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", copied)
    refused = thief.get("/admin/")
    assert refused.status_code == 302 and "/staff/login" in refused.headers["Location"]
    with app.app_context():
        assert db.session.get(StaffUser, world.users["admin"]).session_token is None
        assert "auth.logout" in db.session.scalars(select(AuditEvent.action)).all()


def test_logout_needs_a_post_with_csrf_token(app, client, world):
    login(client, world.emails["admin"])
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout").status_code == 400
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("key,age", [("staff_seen_at", 31 * 60), ("staff_login_at", 11 * 3600)])
def test_idle_and_absolute_timeouts_end_the_session(app, client, world, key, age):
    login(client, world.emails["admin"])
    with client.session_transaction() as session:
        session[key] = time.time() - age
        if key == "staff_login_at":
            session["staff_seen_at"] = time.time()  # active all along, but too long
    result = client.get("/admin/")
    assert result.status_code == 302
    assert "expired" in client.get("/staff/login").text


def test_activity_keeps_a_session_alive(app, client, world):
    login(client, world.emails["admin"])
    with client.session_transaction() as session:
        session["staff_seen_at"] = time.time() - 29 * 60
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session["staff_seen_at"] < 5


def test_login_is_rate_limited(app, client, world):
    app.config["STAFF_LOGIN_LIMIT"] = "3 per minute"
    token = csrf_token(client.get("/staff/login").text)
    statuses = [client.post("/staff/login", data={"csrf_token": token,
                                                  "email": world.emails["admin"],
                                                  "password": "wrong password"}).status_code
                for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the budget, one slot's try, then wait
    assert "Traceback" not in client.post("/staff/login", data={"csrf_token": token}).text


def test_password_change_checks_policy_and_ends_other_sessions(app, client, world):
    login(client, world.emails["coord_a"])
    elsewhere = app.test_client()
    login(elsewhere, world.emails["coord_a"])
    token = token_of(client)
    # logging in elsewhere replaced the token: one live session per account
    assert client.get("/school/").status_code == 302
    login(client, world.emails["coord_a"])
    token = token_of(client)
    weak = client.post("/staff/password", data={"csrf_token": token, "current": PASSWORD,
                                                "new": "password123"})
    assert weak.status_code == 200 and "too common" in weak.text
    wrong = client.post("/staff/password", data={"csrf_token": token, "current": "nope nope",
                                                 "new": "ein ganz neues passwort"})
    assert "current password is wrong" in wrong.text
    done = client.post("/staff/password", data={"csrf_token": token, "current": PASSWORD,
                                                "new": "ein ganz neues passwort"})
    assert done.status_code == 302
    assert client.get("/school/").status_code == 200
    fresh = app.test_client()
    assert login(fresh, world.emails["coord_a"]).status_code == 200  # old password refused
    assert login(fresh, world.emails["coord_a"], "ein ganz neues passwort").status_code == 302


@pytest.mark.parametrize("password,problem", [
    ("kurz", "too_short"), ("x" * 65, "too_long"), ("Passwort123", "common"),
    ("aaaaaaaaaa", "common"), ("anna.schmidt", "common"), ("ein langer satz", None),
    ("Ünïcødé-Wörter", None),
])
def test_password_policy(password, problem):
    assert policy_problem(password, "anna.schmidt@example.org") == problem


def test_cli_creates_the_first_admin_without_echoing_the_password(app, runner):
    result = runner.invoke(main, args=["users", "create", "--role", "admin", "--email",
                                 "first@example.org"], input="sehr geheimes wort\n")
    assert result.exit_code == 0, result.output
    assert "sehr geheimes wort" not in result.output
    weak = runner.invoke(main, args=["users", "create", "--role", "admin", "--email",
                               "second@example.org"], input="12345678\n")
    assert weak.exit_code == 1 and "too common" in weak.output
    client = app.test_client()
    assert login(client, "first@example.org", "sehr geheimes wort").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(StaffUser).where(
            StaffUser.email == "second@example.org")) is None
