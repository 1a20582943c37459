"""Class lists name schools as people write them: matched tolerantly, near misses suggested."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Municipality, School, SchoolClass
from survey_app.services.school_names import normalise_name
from tests.staff.conftest import token_of
from tests.staff.test_german_interface import english_left_over, german_login, visible_text


@pytest.fixture
def admin(app, world):
    with app.app_context():
        db.session.add_all([
            School(name="Hauptschule Zechenfeld", municipality_id=world.municipality_id,
                   number="187654"),
            School(name="Gesamtschule Süd", municipality_id=world.municipality_id),
            School(name="St.-Ursula-Schule", municipality_id=world.municipality_id)])
        db.session.commit()
    client = app.test_client()
    german_login(client, world.emails["admin"])
    return client


def preview(client, wave_id, lines: str):
    return client.post(f"/admin/waves/{wave_id}/classes/import", data={
        "csrf_token": token_of(client),
        "file": (io.BytesIO(("Schule;Klasse;Jahrgang;Schüler\n" + lines).encode()), "k.csv")},
        content_type="multipart/form-data")


@pytest.mark.parametrize("written,stored", [
    ("Hauptschule zechenfeld", "Hauptschule Zechenfeld"),
    ("  HAUPTSCHULE   Zechenfeld ", "Hauptschule Zechenfeld"),
    ("Hauptschule-Zechenfeld", "Hauptschule Zechenfeld"),
    ("187654", "Hauptschule Zechenfeld"),  # the school number
    ("Gesamtschule Sued", "Gesamtschule Süd"),
    ("gesamtschule süd", "Gesamtschule Süd"),
    ("St. Ursula Schule", "St.-Ursula-Schule"),
])
def test_school_names_are_matched_as_people_write_them(app, admin, world, written, stored):
    page = preview(admin, world.wave_id, f"{written};6a;6;25\n")
    assert page.status_code == 200, visible_text(page.text)
    text = visible_text(page.text)
    assert "1 Klasse kann importiert werden." in text
    if written != stored:
        assert f"→ {stored}" in text


def test_a_near_miss_is_reported_with_a_suggestion(app, admin, world):
    page = preview(admin, world.wave_id, "Hauptschule Zechenfelt;6a;6;25\nGanz andere;6b;6;20\n")
    assert page.status_code == 422
    text = visible_text(page.text)
    assert ("Zeile 2: unbekannte Schule „Hauptschule Zechenfelt“ (nicht im Gebiet dieser "
            "Welle); meinten Sie Hauptschule Zechenfeld?") in text
    assert "Zeile 3: unbekannte Schule „Ganz andere“ (nicht im Gebiet dieser Welle)" in text
    assert "Ganz andere“ (nicht im Gebiet dieser Welle); meinten" not in text
    assert english_left_over(page.text) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SchoolClass)) == 3


def test_the_same_name_in_two_municipalities_of_a_region_wave_asks_for_the_number(app, world):
    from survey_app.services.class_lists import preview_class_list
    from survey_app.models import Wave
    with app.app_context():
        wave = db.session.get(Wave, world.wave_id)
        other = Municipality(name="Nachbarstadt", region_id=world.region_id)
        db.session.add(other)
        db.session.add(School(name="testschule", municipality=other, number="200001"))
        wave.municipality_id, wave.region_id = None, world.region_id
        db.session.commit()
        result = preview_class_list(db.session, wave.id,
                                    "school,class,grade,enrolled\nTestschule,6a,6,20\n"
                                    "200001,6a,6,20\n")
        assert "several municipalities" in result.rows[0].problems[0]
        assert "Nachbarstadt" in result.rows[0].problems[0]
        assert result.rows[1].problems == [] and result.rows[1].school_name == "testschule"


def test_normalised_names():
    assert normalise_name("  Gesamtschule   SÜD ") == normalise_name("gesamtschule sued")
    assert normalise_name("St.-Ursula-Schule") == "st ursula schule"
    assert normalise_name("Lycée Français") == "lycee francais"
    assert normalise_name("Hauptschule A") != normalise_name("Hauptschule B")
