"""A planner for a whole region: the account form assigns all of the region's municipalities."""

from __future__ import annotations

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Municipality, Region, StaffUser
from tests.staff.test_admin import admin, count, post  # noqa: F401 - fixture


def test_planner_gets_every_municipality_of_a_region(app, admin, world):  # noqa: F811
    post(admin, "/admin/municipalities", region_id=world.region_id, name="Zweitstadt")
    assert "Add every municipality of these regions" in admin.get("/admin/users/new").text
    result = post(admin, "/admin/users/new", email="plan@example.org", role="planner",
                  regions=str(world.region_id), password="ein gutes passwort")
    assert result.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == "plan@example.org"))
        expected = set(db.session.scalars(select(Municipality.id).where(
            Municipality.region_id == world.region_id)))
        assert len(expected) == 2 and {m.id for m in user.municipalities} == expected
        user_id = user.id
    # editing: a region plus a municipality chosen by hand, no duplicates
    changed = post(admin, f"/admin/users/{user_id}", role="planner", active="y",
                   municipalities=str(world.municipality_id), regions=str(world.region_id))
    assert changed.status_code == 302
    with app.app_context():
        assert len(db.session.get(StaffUser, user_id).municipalities) == 2


def test_bad_region_choices_change_nothing(app, admin, world):  # noqa: F811
    post(admin, "/admin/regions", name="Leerkreis")
    with app.app_context():
        empty = db.session.scalar(select(Region.id).where(Region.name == "Leerkreis"))
    before = count(app, StaffUser)
    result = post(admin, "/admin/users/new", email="plan@example.org", role="planner",
                  regions=str(empty), password="ein gutes passwort")
    assert result.status_code == 422 and "A planner needs at least one municipality" \
        in result.text
    unknown = post(admin, "/admin/users/new", email="plan@example.org", role="planner",
                   regions="99999", password="ein gutes passwort")
    assert unknown.status_code == 422 and 'id="regions-error"' in unknown.text
    assert count(app, StaffUser) == before


def test_regions_are_refused_for_other_roles(app, admin, world):  # noqa: F811
    """A region chosen for a coordinator is refused with a message (issue 8), not dropped."""
    before = count(app, StaffUser)
    result = post(admin, "/admin/users/new", email="k2@example.org", role="coordinator",
                  schools=str(world.school_a), regions=str(world.region_id),
                  password="ein gutes passwort")
    assert result.status_code == 422 and 'id="regions-error"' in result.text
    assert count(app, StaffUser) == before
