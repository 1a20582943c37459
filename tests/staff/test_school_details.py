"""Schools carry their official school number and school type: entered, corrected, imported."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AuditEvent, School
from survey_app.services.school_imports import parse_school_type
from tests.staff.conftest import token_of
from tests.staff.test_german_interface import english_left_over, german_login, visible_text


@pytest.fixture
def admin(app, world):
    client = app.test_client()
    german_login(client, world.emails["admin"])
    return client


def schools(app) -> dict[str, tuple]:
    with app.app_context():
        return {s.name: (s.number, s.school_type) for s in db.session.scalars(select(School))}


def post(client, url, **data):
    return client.post(url, data={"csrf_token": token_of(client), **data})


def upload(client, municipality_id, content: bytes):
    return client.post("/admin/schools/import", data={
        "csrf_token": token_of(client), "municipality_id": str(municipality_id),
        "file": (io.BytesIO(content), "schulen.csv")}, content_type="multipart/form-data")


def test_a_school_is_added_with_number_and_type(app, admin, world):
    page = admin.get("/admin/schools")
    assert "Schulnummer" in page.text and "Schulform" in page.text
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>',
                         page.text.split('name="school_type"')[1].split("</select>")[0])
    assert options[0] == ("", "– nicht erfasst –")
    assert ("gymnasium", "Gymnasium") in options and ("foerderschule", "Förderschule") in options
    assert ("grundschule", "Grundschule") in options and ("other", "andere Schulform") in options
    assert english_left_over(page.text) == []
    done = post(admin, "/admin/schools", municipality_id=world.municipality_id,
                name="Gymnasium am Park", number="165432", school_type="gymnasium")
    assert done.status_code == 302
    assert schools(app)["Gymnasium am Park"] == ("165432", "gymnasium")
    listing = visible_text(admin.get("/admin/schools").text)
    assert "Gymnasium am Park 165432 Gymnasium" in listing


@pytest.mark.parametrize("data,field,message", [
    ({"number": "100001"}, "number", "hat bereits die Schulnummer 100001"),
    ({"number": "12 34"}, "number", "bis zu 20 Buchstaben und Ziffern"),
    ({"school_type": "waldorfschule"}, "school_type", "Not a valid choice"),
])
def test_bad_school_details_are_refused_next_to_the_field(app, admin, world, data, field,
                                                          message):
    with app.app_context():
        db.session.get(School, world.school_a).number = "100001"
        db.session.commit()
    before = schools(app)
    page = post(admin, "/admin/schools", **{"municipality_id": world.municipality_id,
                                            "name": "Neue Schule", **data})
    assert page.status_code == 422
    error = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', page.text)
    assert error and (message in error.group(1) or field == "school_type"), page.text
    assert schools(app) == before


def test_the_same_number_is_fine_in_another_municipality(app, world):
    from survey_app.models import Municipality
    from survey_app.services.schools import create_school
    with app.app_context():
        db.session.get(School, world.school_a).number = "100001"
        other = Municipality(name="Nachbarstadt", region_id=world.region_id)
        db.session.add(other)
        db.session.flush()
        create_school(db.session, None, other.id, "Testschule", "100001", "realschule")
        db.session.commit()


def test_a_school_is_corrected_on_its_page(app, admin, world):
    page = admin.get(f"/admin/schools/{world.school_b}")
    assert 'name="number"' in page.text and 'name="school_type"' in page.text
    assert english_left_over(page.text) == []
    done = post(admin, f"/admin/schools/{world.school_b}", name="Andere Schule",
                number="199999", school_type="gesamtschule")
    assert done.status_code == 302
    assert schools(app)["Andere Schule"] == ("199999", "gesamtschule")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "school.update"))
        assert "gesamtschule" in event.details


@pytest.mark.parametrize("written,key", [
    ("Gymnasium", "gymnasium"), ("GYMNASIUM ", "gymnasium"), ("Förderschule", "foerderschule"),
    ("Foerderschule", "foerderschule"), ("GE", "gesamtschule"), ("Grundschule", "grundschule"),
    ("Berufskolleg", "berufskolleg"), ("sonstige", "other"), ("", None), ("Waldorf", ""),
])
def test_school_types_are_read_as_school_offices_write_them(written, key):
    assert parse_school_type(written) == key


def test_the_school_list_adds_and_updates(app, admin, world):
    content = ("Schule;Schulnummer;Schulform\r\n"
               "testschule;100200;Realschule\r\n"          # existing, written differently
               "Gymnasium Nord;100300;Gymnasium\r\n"        # new
               "Grundschule Süd;;GS\r\n").encode("cp1252")  # new, no number
    page = admin.get("/admin/schools/import")
    assert page.status_code == 200 and english_left_over(page.text) == []
    done = upload(admin, world.municipality_id, content)
    assert done.status_code == 302, done.text
    flashed = visible_text(admin.get(done.headers["Location"]).text)
    assert "2 Schulen hinzugefügt, 1 Schule aktualisiert." in flashed
    found = schools(app)
    assert found["Testschule"] == ("100200", "realschule")
    assert found["Gymnasium Nord"] == ("100300", "gymnasium")
    assert found["Grundschule Süd"] == (None, "grundschule")
    # Again, with a new name for a known number: renamed, not added.
    again = upload(admin, world.municipality_id,
                   b"Schule,Schulnummer,Schulform\nGymnasium Nord-Ost,100300,\n")
    assert again.status_code == 302
    assert schools(app)["Gymnasium Nord-Ost"] == ("100300", "gymnasium")


@pytest.mark.parametrize("content,message", [
    (b"Ort;Bezirk\nX;Y\n", "Die erste Zeile muss die Spalten nennen"),
    (b"Schule;Schulform\nNeue Schule;Waldorf\n", "Zeile 2: unbekannte Schulform"),
    (b"Schule;Schulnummer\nA;100\nB;100\n", "Zeile 3: die Schulnummer 100 kommt in der Datei"),
    (b"Schule\nNeu\nneu \n", "Zeile 3: die Schule kommt in der Datei zweimal vor"),
    (b"Schule;Schulnummer\nNeu;12-34\n", "Zeile 2: die Schulnummer"),
])
def test_a_bad_school_list_changes_nothing(app, admin, world, content, message):
    before = schools(app)
    page = upload(admin, world.municipality_id, content)
    assert page.status_code == 422
    assert message in visible_text(page.text), visible_text(page.text)
    assert english_left_over(page.text) == []
    assert schools(app) == before


def test_a_rename_onto_another_schools_name_is_refused(app, admin, world):
    with app.app_context():
        db.session.get(School, world.school_a).number = "100001"
        db.session.commit()
    before = schools(app)
    # The number belongs to Testschule: renaming it to another school's name is refused.
    page = upload(admin, world.municipality_id, b"Schule;Schulnummer\nAndere Schule;100001\n")
    assert page.status_code == 422
    assert "Zeile 2: Diese Kommune hat bereits eine Schule mit diesem Namen" in page.text
    assert schools(app) == before
