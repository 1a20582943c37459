"""A planner for a whole region: linked to the region, so every municipality of it is covered,
including ones added later (issue 10, item 6)."""

from __future__ import annotations

from sqlalchemy import select

from survey_app.services.planner_scope import visible_municipality_ids
from survey_app.extensions import db
from survey_app.models import Municipality, Region, StaffUser
from tests.staff.test_admin import admin, count, post  # noqa: F401 - fixture


def _planner(app, email: str) -> tuple[int, set[int], set[int]]:
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        return (user.id, {r.id for r in user.regions},
                visible_municipality_ids(user))


def _municipalities(app, region_id: int) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Municipality.id).where(
            Municipality.region_id == region_id)))


def test_region_planner_sees_every_municipality_also_ones_added_later(app, admin,  # noqa: F811
                                                                      world):
    post(admin, "/admin/municipalities", region_id=world.region_id, name="Zweitstadt")
    form = admin.get("/admin/users/new").text
    assert "every municipality of the region, also ones added later" in form
    result = post(admin, "/admin/users/new", email="plan@example.org", role="planner",
                  regions=str(world.region_id), password="ein gutes passwort")
    assert result.status_code == 302
    user_id, regions, visible = _planner(app, "plan@example.org")
    assert regions == {world.region_id}
    assert len(visible) == 2 and visible == _municipalities(app, world.region_id)
    # a municipality added to the region afterwards is covered without touching the account
    post(admin, "/admin/municipalities", region_id=world.region_id, name="Drittstadt")
    _, _, visible = _planner(app, "plan@example.org")
    assert len(visible) == 3 and visible == _municipalities(app, world.region_id)
    # the account page shows the region chosen; editing keeps it, no duplicates
    page = admin.get(f"/admin/users/{user_id}").text
    assert f'<option selected value="{world.region_id}">' in page \
        or f'value="{world.region_id}" selected' in page
    changed = post(admin, f"/admin/users/{user_id}", role="planner", active="y",
                   municipalities=str(world.municipality_id), regions=str(world.region_id))
    assert changed.status_code == 302
    _, regions, visible = _planner(app, "plan@example.org")
    assert regions == {world.region_id} and len(visible) == 3
    # removing the region leaves the municipality chosen by hand
    post(admin, f"/admin/users/{user_id}", role="planner", active="y",
         municipalities=str(world.municipality_id))
    assert _planner(app, "plan@example.org")[2] == {world.municipality_id}


def test_a_region_with_planners_cannot_be_deleted(app, admin, world):  # noqa: F811
    post(admin, "/admin/regions", name="Leerkreis")
    with app.app_context():
        empty = db.session.scalar(select(Region.id).where(Region.name == "Leerkreis"))
    assert post(admin, "/admin/users/new", email="plan@example.org", role="planner",
                regions=str(empty), password="ein gutes passwort").status_code == 302
    assert _planner(app, "plan@example.org")[2] == set()  # none yet; covered once added
    refused = post(admin, f"/admin/regions/{empty}/delete")
    assert refused.status_code == 422 and "1 planner account is assigned" in refused.text
    assert count(app, Region) == 2


def test_bad_region_choices_change_nothing(app, admin, world):  # noqa: F811
    before = count(app, StaffUser)
    nothing = post(admin, "/admin/users/new", email="plan@example.org", role="planner",
                   password="ein gutes passwort")
    assert nothing.status_code == 422 and "A planner needs at least one municipality or region" \
        in nothing.text
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
