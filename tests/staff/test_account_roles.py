"""Creating and changing accounts: the role is asked for, shown translated, and never guessed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import StaffUser
from tests.staff.conftest import login, token_of
from tests.staff.test_german_interface import english_left_over, german_login


def accounts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StaffUser))


def role_options(page: str) -> list[tuple[str, str, bool]]:
    select_html = re.search(r'<select[^>]*name="role"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [(value, text.strip(), "selected" in attrs) for attrs, value, text in re.findall(
        r'<option([^>]*value="([^"]*)"[^>]*)>([^<]*)</option>', select_html)]


def test_the_role_has_no_default_and_translated_labels(app, world):
    client = app.test_client()
    german_login(client, world.emails["admin"])
    page = client.get("/admin/users/new")
    options = role_options(page.text)
    assert options[0][:2] == ("", "– bitte wählen –")
    assert not any(selected for _v, _t, selected in options)
    assert [(v, t) for v, t, _s in options[1:]] == [
        ("admin", "Verwaltung"), ("coordinator", "Schulkoordination"), ("planner", "Planung")]
    assert english_left_over(page.text) == []


def test_an_account_without_a_role_is_refused(app, world):
    client = app.test_client()
    german_login(client, world.emails["admin"])
    before = accounts(app)
    page = client.post("/admin/users/new", data={
        "csrf_token": token_of(client), "email": "neu@example.org",
        "schools": str(world.school_a), "password": "ein gutes passwort"})
    assert page.status_code == 422
    assert re.search(r'id="role-error"[^>]*>Bitte wählen Sie eine Rolle\.<', page.text)
    assert accounts(app) == before


@pytest.mark.parametrize("role,field,message", [
    ("admin", "schools", "Schools are assigned to school coordinators only."),
    ("planner", "schools", "Schools are assigned to school coordinators only."),
    ("coordinator", "municipalities", "Municipalities and regions are assigned to planners only."),
    ("coordinator", "regions", "Municipalities and regions are assigned to planners only."),
])
def test_choices_that_do_not_fit_the_role_are_refused_not_dropped(app, world, role, field,
                                                                  message):
    client = app.test_client()
    login(client, world.emails["admin"])
    values = {"schools": str(world.school_a), "municipalities": str(world.municipality_id),
              "regions": str(world.region_id)}
    data = {"csrf_token": token_of(client), "email": "neu@example.org", "role": role,
            "password": "ein gutes passwort", field: values[field]}
    if role == "planner":
        data["municipalities"] = values["municipalities"]
    if role == "coordinator":
        data["schools"] = values["schools"]
    before = accounts(app)
    page = client.post("/admin/users/new", data=data)
    assert page.status_code == 422
    assert re.search(rf'id="{field}-error"[^>]*>{re.escape(message)}', page.text), page.text
    assert accounts(app) == before


def test_changing_the_role_keeps_no_leftover_scope(app, world):
    """A coordinator turned planner with the school still selected: refused, nothing changed."""
    client = app.test_client()
    login(client, world.emails["admin"])
    page = client.post(f"/admin/users/{world.users['spare']}", data={
        "csrf_token": token_of(client), "role": "planner", "active": "y",
        "schools": str(world.school_a), "municipalities": str(world.municipality_id)})
    assert page.status_code == 422 and "assigned to school coordinators only" in page.text
    with app.app_context():
        user = db.session.get(StaffUser, world.users["spare"])
        assert user.role == "coordinator" and [s.id for s in user.schools] == [world.school_a]
