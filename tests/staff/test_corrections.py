"""Correcting and deleting areas, schools and classes (admins; coordinators: enrolled only).

Deleting is refused with a message while other records depend on the record;
a refused or bad request changes nothing; every change leaves an audit event.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import (Answer, AuditEvent, District, Municipality, Region, Response,
                               School, SchoolClass, Wave)
from tests.staff.conftest import login, token_of
from tests.staff.test_admin import admin, post  # noqa: F401 - fixture


def events(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == action))


def get(app, model, record_id):
    with app.app_context():
        record = db.session.get(model, record_id)
        if record is not None:
            db.session.expunge(record)
        return record


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


# --- regions and municipalities ---------------------------------------------------------------

def test_rename_region_and_municipality(app, admin, world):  # noqa: F811
    page = admin.get(f"/admin/regions/{world.region_id}")
    assert page.status_code == 200 and 'value="Testkreis"' in page.text
    assert post(admin, f"/admin/regions/{world.region_id}", name=" Ruhrkreis ").status_code == 302
    assert get(app, Region, world.region_id).name == "Ruhrkreis"
    assert post(admin, f"/admin/municipalities/{world.municipality_id}",
                name="Kohlestadt").status_code == 302
    assert get(app, Municipality, world.municipality_id).name == "Kohlestadt"
    assert events(app, "region.update") == 1 and events(app, "municipality.update") == 1


def test_bad_renames_change_nothing(app, admin, world):  # noqa: F811
    post(admin, "/admin/regions", name="Anderer Kreis")
    before = audit_count(app)
    taken = post(admin, f"/admin/regions/{world.region_id}", name="Anderer Kreis")
    assert taken.status_code == 422 and "exists already" in taken.text
    assert 'id="name-error"' in taken.text
    empty = post(admin, f"/admin/municipalities/{world.municipality_id}", name="")
    assert empty.status_code == 422 and 'id="name-error"' in empty.text
    too_long = post(admin, f"/admin/regions/{world.region_id}", name="x" * 150)
    assert too_long.status_code == 422 and 'id="name-error"' in too_long.text
    assert get(app, Region, world.region_id).name == "Testkreis"
    assert get(app, Municipality, world.municipality_id).name == "Teststadt"
    assert audit_count(app) == before
    assert admin.get("/admin/regions/99999").status_code == 404


def test_delete_region_and_municipality_refused_while_used(app, admin, world):  # noqa: F811
    before = audit_count(app)
    region = post(admin, f"/admin/regions/{world.region_id}/delete")
    assert region.status_code == 422 and "has 1 municipality." in region.text
    municipality = post(admin, f"/admin/municipalities/{world.municipality_id}/delete")
    assert municipality.status_code == 422 and "it has 2 schools" in municipality.text
    assert get(app, Region, world.region_id) is not None
    assert get(app, Municipality, world.municipality_id) is not None
    assert audit_count(app) == before


@pytest.mark.parametrize("blocker,message", [
    ("district", "it has 1 district."),
    ("wave", "1 wave covers it"),
    ("planner", "1 planner account is assigned"),
])
def test_municipality_dependents_each_refuse_deletion(app, admin, world, blocker, message):  # noqa: F811,E501
    post(admin, "/admin/regions", name="Leerkreis")
    with app.app_context():
        region_id = db.session.scalar(select(Region.id).where(Region.name == "Leerkreis"))
    post(admin, "/admin/municipalities", region_id=region_id, name="Leerstadt")
    with app.app_context():
        town = db.session.scalar(select(Municipality).where(Municipality.name == "Leerstadt"))
        town_id = town.id
        if blocker == "district":
            db.session.add(District(municipality_id=town_id, code="01", name="Mitte"))
        elif blocker == "wave":
            wave = db.session.get(Wave, world.wave_id)
            db.session.add(Wave(name="Leer", questionnaire_id=wave.questionnaire_id,
                                questionnaire_version=wave.questionnaire_version,
                                questionnaire_hash=wave.questionnaire_hash,
                                municipality_id=town_id, grade_min=5, grade_max=6,
                                opens_on=wave.opens_on, closes_on=wave.closes_on))
        else:
            from survey_app.models import StaffUser
            planner = db.session.get(StaffUser, world.users["planner"])
            planner.municipalities.append(town)
        db.session.commit()
    refused = post(admin, f"/admin/municipalities/{town_id}/delete")
    assert refused.status_code == 422 and message in refused.text
    assert get(app, Municipality, town_id) is not None


def test_delete_empty_region_and_municipality(app, admin, world):  # noqa: F811
    post(admin, "/admin/regions", name="Leerkreis")
    with app.app_context():
        region_id = db.session.scalar(select(Region.id).where(Region.name == "Leerkreis"))
    post(admin, "/admin/municipalities", region_id=region_id, name="Leerstadt")
    with app.app_context():
        town_id = db.session.scalar(select(Municipality.id)
                                    .where(Municipality.name == "Leerstadt"))
    assert post(admin, f"/admin/regions/{region_id}/delete").status_code == 422
    assert post(admin, f"/admin/municipalities/{town_id}/delete").status_code == 302
    assert post(admin, f"/admin/regions/{region_id}/delete").status_code == 302
    assert get(app, Region, region_id) is None and get(app, Municipality, town_id) is None
    assert events(app, "region.delete") == 1 and events(app, "municipality.delete") == 1


def test_delete_without_csrf_token_changes_nothing(app, admin, world):  # noqa: F811
    nord = world.districts[0]
    result = admin.post(f"/admin/districts/{nord}/delete", data={})
    assert result.status_code == 400 and get(app, District, nord) is not None


# --- districts --------------------------------------------------------------------------------

def test_correct_a_district(app, admin, world):  # noqa: F811
    nord = world.districts[0]
    assert 'value="Nord"' in admin.get(f"/admin/districts/{nord}").text
    assert post(admin, f"/admin/districts/{nord}", code="N1", name="Nordstadt").status_code == 302
    district = get(app, District, nord)
    assert (district.code, district.name) == ("N1", "Nordstadt")
    assert events(app, "district.update") == 1


@pytest.mark.parametrize("data,field,message", [
    ({"code": "02", "name": "Nord"}, "code", "district with this code already"),
    ({"code": "01", "name": "mitte"}, "name", "district of this name already"),
    ({"code": "", "name": "Nord"}, "code", ""),
    ({"code": "01", "name": ""}, "name", ""),
    ({"code": "x" * 41, "name": "Nord"}, "code", ""),
])
def test_bad_district_corrections_change_nothing(app, admin, world, data, field, message):  # noqa: F811,E501
    before = audit_count(app)
    result = post(admin, f"/admin/districts/{world.districts[0]}", **data)
    assert result.status_code == 422 and f'id="{field}-error"' in result.text
    assert message in result.text
    district = get(app, District, world.districts[0])
    assert (district.code, district.name) == ("01", "Nord")
    assert audit_count(app) == before


def test_a_district_chosen_by_pupils_cannot_be_deleted(app, admin, world):  # noqa: F811
    mitte, sued = world.districts[1], world.districts[2]
    with app.app_context():
        response = db.session.scalar(select(Response))
        db.session.add(Answer(response_id=response.id, item_code="district", value=str(mitte)))
        db.session.commit()
    refused = post(admin, f"/admin/districts/{mitte}/delete")
    assert refused.status_code == 422 and "a pupil chose it in 1 answer." in refused.text
    assert get(app, District, mitte) is not None
    assert post(admin, f"/admin/districts/{sued}/delete").status_code == 302
    assert get(app, District, sued) is None
    assert events(app, "district.delete") == 1


# --- schools ----------------------------------------------------------------------------------

def test_rename_school_and_refused_deletion(app, admin, world):  # noqa: F811
    assert post(admin, f"/admin/schools/{world.school_b}", name="Gesamtschule Nord").status_code \
        == 302
    assert get(app, School, world.school_b).name == "Gesamtschule Nord"
    taken = post(admin, f"/admin/schools/{world.school_b}", name="Testschule")
    assert taken.status_code == 422 and "has a school of this name already" in taken.text
    refused = post(admin, f"/admin/schools/{world.school_a}/delete")
    assert refused.status_code == 422 and "it has 2 classes" in refused.text
    assert get(app, School, world.school_a) is not None
    assert events(app, "school.update") == 1


def test_delete_school(app, admin, world):  # noqa: F811
    post(admin, "/admin/schools", municipality_id=world.municipality_id, name="Leere Schule")
    with app.app_context():
        school_id = db.session.scalar(select(School.id).where(School.name == "Leere Schule"))
    assert post(admin, f"/admin/schools/{school_id}/delete").status_code == 302
    assert get(app, School, school_id) is None and events(app, "school.delete") == 1
    # a school with a coordinator is refused
    post(admin, "/admin/schools", municipality_id=world.municipality_id, name="Leere Schule")
    with app.app_context():
        school_id = db.session.scalar(select(School.id).where(School.name == "Leere Schule"))
    post(admin, "/admin/users/new", email="k@example.org", role="coordinator",
         schools=str(school_id), password="ein gutes passwort")
    refused = post(admin, f"/admin/schools/{school_id}/delete")
    assert refused.status_code == 422 and "1 coordinator account is" in refused.text


# --- classes ----------------------------------------------------------------------------------

def test_admin_corrects_a_class(app, admin, world):  # noqa: F811
    page = admin.get(f"/admin/classes/{world.class_a}")
    assert page.status_code == 200 and 'value="5a"' in page.text
    assert post(admin, f"/admin/classes/{world.class_a}", name="5A", grade="6",
                enrolled="27").status_code == 302
    school_class = get(app, SchoolClass, world.class_a)
    assert (school_class.name, school_class.grade, school_class.enrolled) == ("5A", 6, 27)
    assert post(admin, f"/admin/classes/{world.class_a}", name="5A", grade="6",
                enrolled="").status_code == 302
    assert get(app, SchoolClass, world.class_a).enrolled is None
    assert events(app, "class.update") == 2


@pytest.mark.parametrize("data,field", [
    ({"name": "5b"}, "name"),              # another class of the school in this wave
    ({"grade": "11"}, "grade"),            # outside the wave's grades 5-10
    ({"grade": "x"}, "grade"),
    ({"enrolled": "201"}, "enrolled"),
    ({"enrolled": "-1"}, "enrolled"),
    ({"name": ""}, "name"),
])
def test_bad_class_corrections_change_nothing(app, admin, world, data, field):  # noqa: F811
    before = audit_count(app)
    form = {"name": "5a", "grade": "5", "enrolled": "25", **data}
    result = post(admin, f"/admin/classes/{world.class_a}", **form)
    assert result.status_code == 422 and f'id="{field}-error"' in result.text, result.text
    school_class = get(app, SchoolClass, world.class_a)
    assert (school_class.name, school_class.grade, school_class.enrolled) == ("5a", 5, 25)
    assert audit_count(app) == before


def test_delete_class(app, admin, world):  # noqa: F811
    refused = post(admin, f"/admin/classes/{world.class_a}/delete")
    assert refused.status_code == 422
    assert "a pupil has answered with 1 of its codes" in refused.text
    refused = post(admin, f"/admin/classes/{world.class_b}/delete")
    assert refused.status_code == 422 and "3 code slips were printed" in refused.text
    post(admin, f"/admin/waves/{world.wave_id}/classes", school_id=world.school_b, name="6z",
         grade="6", enrolled="10")
    with app.app_context():
        class_id = db.session.scalar(select(SchoolClass.id).where(SchoolClass.name == "6z"))
    assert post(admin, f"/admin/classes/{class_id}/delete").status_code == 302
    assert get(app, SchoolClass, class_id) is None and events(app, "class.delete") == 1


def test_coordinator_corrects_enrolled_of_own_classes_only(app, world):
    coordinator = app.test_client()
    login(coordinator, world.emails["coord_a"])
    url = f"/school/classes/{world.class_a}/enrolled"
    ok = coordinator.post(url, data={"csrf_token": token_of(coordinator), "enrolled": "23"})
    assert ok.status_code == 302 and get(app, SchoolClass, world.class_a).enrolled == 23
    assert events(app, "class.enrolled") == 1
    for bad in ("", "201", "viele"):
        result = coordinator.post(url, data={"csrf_token": token_of(coordinator),
                                             "enrolled": bad})
        assert result.status_code == 422 and 'id="enrolled-error"' in result.text
    other = coordinator.post(f"/school/classes/{world.class_b}/enrolled",
                             data={"csrf_token": token_of(coordinator), "enrolled": "1"})
    assert other.status_code == 404 and get(app, SchoolClass, world.class_b).enrolled == 20
    # only the enrolled count: a name or grade sent along is ignored
    coordinator.post(url, data={"csrf_token": token_of(coordinator), "enrolled": "24",
                                "name": "X", "grade": "9"})
    school_class = get(app, SchoolClass, world.class_a)
    assert (school_class.name, school_class.grade, school_class.enrolled) == ("5a", 5, 24)
    assert events(app, "class.enrolled") == 2


def test_coordinator_cannot_change_enrolled_after_the_wave_closed(app, world):
    with app.app_context():
        db.session.get(Wave, world.wave_id).state = "closed"
        db.session.commit()
    coordinator = app.test_client()
    login(coordinator, world.emails["coord_a"])
    result = coordinator.post(f"/school/classes/{world.class_a}/enrolled",
                              data={"csrf_token": token_of(coordinator), "enrolled": "23"})
    assert result.status_code == 422 and "The wave is closed" in result.text
    assert get(app, SchoolClass, world.class_a).enrolled == 25
