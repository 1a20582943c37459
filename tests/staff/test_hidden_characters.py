"""Control characters and text-direction overrides are refused on every staff form (issue 12).

Found by attacking the staff forms: a school named with a NUL was stored on
SQLite and ended in a server error on PostgreSQL (psycopg refuses NUL in
text); a name with U+202E showed reversed on every page and file.
"""

from __future__ import annotations

import doctest

import pytest
from sqlalchemy import func, select

from survey_app import input_checks
from survey_app.extensions import db
from survey_app.models import Municipality, Region, School, SchoolClass, StaffUser
from tests.staff.conftest import login, token_of


@pytest.fixture
def admin(app, world):
    client = app.test_client()
    login(client, world.emails["admin"])
    return client


def rows(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Region, Municipality, School, SchoolClass, StaffUser))


def forms(world, name: str) -> list[tuple[str, dict]]:
    """Staff forms with a typed name, each with otherwise valid fields."""
    return [
        ("/admin/regions", {"name": name}),
        ("/admin/municipalities", {"name": name, "region_id": str(world.region_id)}),
        ("/admin/schools", {"name": name, "municipality_id": str(world.municipality_id)}),
        (f"/admin/waves/{world.wave_id}/classes",
         {"school_id": str(world.school_b), "name": name, "grade": "8", "enrolled": "19"}),
        ("/admin/users/new", {"email": "neu@example.org", "role": "coordinator",
                              "schools": str(world.school_a), "password": f"gutes {name} wort"}),
    ]


@pytest.mark.parametrize("hidden", ["Schule\x00Nord", "Schule\x1bNord", "\u202eNord", "Nord\u2066x"])
def test_hidden_characters_are_refused_next_to_the_field_and_nothing_is_stored(app, admin, world,
                                                                               hidden):
    for url, data in forms(world, hidden):
        before = rows(app)
        page = admin.post(url, data={"csrf_token": token_of(admin), **data})
        assert page.status_code == 422, (url, page.status_code)
        assert "This text contains characters that are not allowed." in page.text, url
        assert rows(app) == before, url


def test_names_in_any_script_still_pass(app, admin, world):
    for url, data in forms(world, "Grundschule Süd-Ost \u0645\u062f\u0631\u0633\u0629"):
        page = admin.post(url, data={"csrf_token": token_of(admin), **data})
        assert page.status_code == 302, (url, page.text[:500])


def test_a_nul_in_the_query_string_is_a_bad_request(app, admin, world):
    for url in ("/admin/audit?action=%00", "/planner/?measure=a%00b", "/?x=%00",
                f"/admin/waves/{world.wave_id}?tab=%00"):
        page = admin.get(url)
        assert page.status_code == 400, url
        assert "Traceback" not in page.text
    assert admin.get("/admin/audit?action=").status_code == 200


def test_the_check_itself():
    assert doctest.testmod(input_checks).failed == 0
    assert not input_checks.hidden_characters("Zeile 1\nZeile 2\tmit Tab\r\n")
    assert input_checks.hidden_characters("\x7f") and input_checks.hidden_characters("\ue000")
