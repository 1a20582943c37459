"""Issue 4's done-when flow, through the test client from start to end.

An admin creates a wave, imports districts and a class list; a coordinator
downloads the code sheet of a class (one slip per code, QR codes to the start
page); a pupil uses one of the codes; the coordinator sees 1 started / 1
submitted for the class.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Response, SchoolClass, StaffUser, Wave
from survey_app.services.access_codes import find_code
from tests.staff.conftest import login, pupil_start, token_of
from tests.staff.sheets import read_sheet
from tests.staff.test_monitoring import figures


def test_admin_sets_up_coordinator_prints_pupil_answers_coordinator_sees_it(app, world):
    admin = app.test_client()
    login(admin, world.emails["admin"])
    today = dt.date.today()

    # 1. the admin creates and opens a wave
    created = admin.post("/admin/waves/new", data={
        "csrf_token": token_of(admin), "name": "Stadtbefragung", "questionnaire":
        "small_example@1.0", "municipality_id": str(world.municipality_id),
        "region_id": "", "grade_min": "5", "grade_max": "7", "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=20)).isoformat()})
    assert created.status_code == 302
    wave_url = created.headers["Location"]
    wave_id = int(wave_url.rsplit("/", 1)[1])
    assert admin.post(wave_url + "/state", data={"csrf_token": token_of(admin),
                                                 "state": "open"}).status_code == 302

    # 2. districts from GeoJSON
    ring = [[[7.0, 51.0], [7.1, 51.0], [7.1, 51.1], [7.0, 51.1], [7.0, 51.0]]]
    districts = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name, "code": code},
         "geometry": {"type": "Polygon", "coordinates": ring}}
        for code, name in (("11", "Hafen"), ("12", "Heide"))]}
    imported = admin.post(f"/admin/municipalities/{world.municipality_id}/districts", data={
        "csrf_token": token_of(admin),
        "file": (io.BytesIO(json.dumps(districts).encode()), "stadtteile.geojson")},
        content_type="multipart/form-data")
    assert imported.status_code == 200 and "Hafen" in imported.text  # the preview, on a map
    imported = admin.post(f"/admin/municipalities/{world.municipality_id}/districts/preview",
                          data={"csrf_token": token_of(admin), "name_field": "name",
                                "number_field": "code", "places_field": "", "layer": "",
                                "crs": "", "save": "x"})
    assert imported.status_code == 303

    # 3. a class list from CSV: preview, then import
    csv = "school,class,grade,enrolled\nTestschule,5c,5,26\nAndere Schule,6a,6,24\n"
    preview = admin.post(wave_url + "/classes/import", data={
        "csrf_token": token_of(admin), "file": (io.BytesIO(csv.encode()), "klassen.csv")},
        content_type="multipart/form-data")
    assert "2 classes are ready to import" in preview.text
    content = html.unescape(re.search(r'name="content" type="hidden" value="([^"]*)"',
                                      preview.text).group(1))
    assert admin.post(wave_url + "/classes/import/confirm", data={
        "csrf_token": token_of(admin), "content": content}).status_code == 302
    with app.app_context():
        class_id = db.session.scalar(select(SchoolClass.id).where(
            SchoolClass.wave_id == wave_id, SchoolClass.name == "5c"))
        assert db.session.get(Wave, wave_id).state == "open"

    # 4. the coordinator of Testschule prints the code sheet for 5c
    coordinator = app.test_client()
    login(coordinator, world.emails["coord_a"])
    sheet_response = coordinator.post(f"/school/classes/{class_id}/codes", data={
        "csrf_token": token_of(coordinator), "count": "26"})
    assert sheet_response.mimetype == "application/pdf"
    sheet = read_sheet(sheet_response.data)
    assert len(sheet.codes) == 26 == sheet.qr_draws and sheet.pages == 3
    # the start page of this server, with each slip's code
    assert sheet.qr_texts == {f"http://localhost/#code={code}" for code in sheet.codes}

    # 5. a pupil uses one of the codes: the start page opens the survey
    pupil = app.test_client()
    pupil_start(pupil, sheet.codes[7])
    with pupil.session_transaction() as session:
        response_id = session["response_id"]
    # ...and submits (set through the models, independent of the pupil pages)
    with app.app_context():
        response = db.session.get(Response, response_id)
        assert response.class_id == class_id
        response.status, response.submitted_on = "submitted", response.started_on
        find_code(db.session, sheet.codes[7]).state = "submitted"
        db.session.commit()

    # 6. the coordinator's view: 5c with 1 started / 1 submitted
    page = coordinator.get(f"/school/waves/{wave_id}").text
    assert figures(page, class_id) == ["26", "26", "1", "1", "4 %"]
    assert "Andere Schule" not in page
    with app.app_context():
        assert db.session.get(StaffUser, world.users["coord_a"]).last_login_at is not None
