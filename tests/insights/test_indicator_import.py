"""Importing district indicators: a report per row, all or nothing, only one's own cities."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import AuditEvent, DistrictIndicator, Municipality
from survey_app.services.indicator_import import (import_indicators, parse_number,
                                                  preview_indicators)
from tests.forms import csrf_token
from tests.insights.conftest import logged_in
from tests.staff.conftest import make_world

HEADER = "municipality,district,indicator,year,value\n"


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(DistrictIndicator))


def test_numbers_in_german_and_english_notation():
    assert parse_number("12,5") == 12.5 and parse_number("1.234,5") == 1234.5
    assert parse_number(" 7.25 ") == 7.25 and parse_number("-3") == -3.0
    assert parse_number("abc") is None and parse_number("nan") is None
    assert parse_number("inf") is None and parse_number("") is None


def test_every_bad_row_is_reported_and_nothing_is_imported(app):
    with app.app_context():
        world = make_world()
        other = Municipality(name="Fremdstadt", region_id=world.region_id)
        db.session.add(other)
        db.session.commit()
        text = HEADER + "\n".join([
            "Teststadt,Nord,SGB II,2025,12.5",        # fine
            "Teststadt,Nirgendwo,SGB II,2025,3",     # unknown district
            "Fremdstadt,Nord,SGB II,2025,3",         # not one of the user's cities
            "Teststadt,Mitte,SGB II,20x5,3",         # bad year
            "Teststadt,Mitte,SGB II,2025,viel",      # bad value
            "Teststadt,01,SGB II,2025,4",            # Nord by code: twice in the file
            "Teststadt,Süd,,2025,4",                 # no indicator name
        ]) + "\n"
        preview = preview_indicators(db.session, {world.municipality_id}, text)
        assert not preview.ok
        problems = {row.line: row.problems for row in preview.rows}
        assert problems[2] == []
        assert "unknown district" in problems[3][0]
        assert "unknown municipality" in problems[4][0]
        assert "year" in problems[5][0] and "not a number" in problems[6][0]
        assert "twice" in problems[7][0] and "indicator name" in problems[8][0]
        assert len(preview.all_problems()) == 6
        try:
            import_indicators(db.session, world.users["planner"], {world.municipality_id}, text)
        except ValueError as error:
            assert len(error.problems) == 6
        else:
            raise AssertionError("a file with bad rows was imported")
        db.session.rollback()
        assert _count() == 0


def test_a_good_file_imports_and_a_second_one_replaces(app):
    with app.app_context():
        world = make_world()
        text = "Kommune;Stadtteil;Indikator;Jahr;Wert\nTeststadt;Nord;SGB II;2025;12,5\n" \
               "Teststadt;Mitte;SGB II;2025;20\nTeststadt;Süd;SGB II;2024;7\n"
        assert import_indicators(db.session, world.users["planner"], {world.municipality_id},
                                 text.encode("cp1252").decode("cp1252")) == (3, 0)
        db.session.commit()
        preview = preview_indicators(db.session, {world.municipality_id},
                                     HEADER + "Teststadt,Nord,SGB II,2025,13\n")
        assert preview.ok and preview.replaced == 1 and preview.rows[0].replaces == 12.5
        assert import_indicators(db.session, world.users["planner"], {world.municipality_id},
                                 HEADER + "Teststadt,Nord,SGB II,2025,13\n") == (0, 1)
        db.session.commit()
        values = dict(db.session.execute(select(DistrictIndicator.year, DistrictIndicator.value)
                                         .order_by(DistrictIndicator.id)).all())
        assert _count() == 3 and values[2025] in (13.0, 20.0)
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "indicators.import")) == 2


def test_header_and_empty_files_are_refused_with_a_message(app):
    with app.app_context():
        world = make_world()
        for text, words in (("", "empty"), ("a,b,c\n1,2,3\n", "first line"),
                            (HEADER, "no values")):
            preview = preview_indicators(db.session, {world.municipality_id}, text)
            assert not preview.ok and words in preview.all_problems()[0]


def test_upload_preview_and_confirm_through_the_pages(app):
    with app.app_context():
        world = make_world()
    planner = logged_in(app, world.emails["planner"])
    page = planner.get("/planner/indicators")
    assert page.status_code == 200
    content = HEADER + "Teststadt,Nord,=cmd|' /C calc'!A0,2025,1\n"
    preview = planner.post("/planner/indicators", data={
        "csrf_token": csrf_token(page.text),
        "file": (io.BytesIO(content.encode()), "indicators.csv")},
        content_type="multipart/form-data")
    assert preview.status_code == 200 and "ready to import" in preview.text
    bad = planner.post("/planner/indicators", data={
        "csrf_token": csrf_token(page.text),
        "file": (io.BytesIO(b"Teststadt,Nord\n"), "indicators.csv")},
        content_type="multipart/form-data")
    assert bad.status_code == 422 and "first line" in bad.text
    done = planner.post("/planner/indicators/confirm", data={
        "csrf_token": csrf_token(preview.text), "content": content})
    assert done.status_code == 302
    with app.app_context():
        assert _count() == 1
    assert "=cmd" in planner.get("/planner/indicators").text  # shown as text, escaped


def test_a_coordinator_cannot_import(app):
    with app.app_context():
        world = make_world()
    coordinator = logged_in(app, world.emails["coord_a"])
    assert coordinator.get("/planner/indicators").status_code == 403
