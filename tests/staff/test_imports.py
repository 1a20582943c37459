"""Admin imports: districts from GeoJSON, class lists from CSV; good and broken files.

A broken file gets its problems reported (per feature / per row) and changes
nothing at all (issue 4, items 2 and 6).
"""

from __future__ import annotations

import html
import io
import json

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import AuditEvent, District, SchoolClass
from tests.staff.conftest import login, token_of

SQUARE = [[[7.0, 51.0], [7.1, 51.0], [7.1, 51.1], [7.0, 51.1], [7.0, 51.0]]]


def feature(name=None, geometry=None, code=None):
    properties = {} if name is None else {"name": name}
    if code is not None:
        properties["code"] = code
    return {"type": "Feature", "properties": properties,
            "geometry": geometry or {"type": "Polygon", "coordinates": SQUARE}}


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


@pytest.fixture
def admin(app, world):
    client = app.test_client()
    login(client, world.emails["admin"])
    return client


def upload(client, url, content: bytes, filename: str):
    return client.post(url, data={"csrf_token": token_of(client),
                                  "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(District)),
                db.session.scalar(select(func.count()).select_from(SchoolClass)),
                db.session.scalar(select(func.count()).select_from(AuditEvent)))


CSV_GOOD = ("Schule;Klasse;Jahrgang;Schüler\r\n"
            "Testschule;6a;6;27\r\nAndere Schule;7b;7;\r\n").encode("cp1252")


def test_class_list_preview_then_import(app, admin, world):
    url = f"/admin/waves/{world.wave_id}/classes/import"
    preview = upload(admin, url, CSV_GOOD, "klassen.csv")
    assert preview.status_code == 200
    assert "2 classes are ready to import" in preview.text
    assert counts(app)[1] == 3  # nothing imported by the preview
    content = preview.text.split('name="content" type="hidden" value="')[1].split('"')[0]
    done = admin.post(url + "/confirm", data={"csrf_token": token_of(admin),
                                              "content": html.unescape(content)})
    assert done.status_code == 302
    with app.app_context():
        rows = db.session.execute(select(SchoolClass.name, SchoolClass.grade,
                                         SchoolClass.enrolled)).all()
        assert ("6a", 6, 27) in rows and ("7b", 7, None) in rows
        assert "classes.import" in db.session.scalars(select(AuditEvent.action)).all()


@pytest.mark.parametrize("content,message", [
    ("Schule,Raum,Jahrgang,Anzahl\nTestschule,6a,6,20\n", "The first line must name the columns"),
    ("school,class,grade,enrolled\n", "has a header but no classes"),
    ("", "The file is empty"),
    ("school,class,grade,enrolled\nTestschule,6a,6,20\nTestschule,6a,6,21\n",
     "Line 3: class 6a of Testschule occurs twice in the file"),
    ("school,class,grade,enrolled\nTestschule,5a,5,20\n",
     "Line 2: class 5a of Testschule is already part of this wave"),
    ("school,class,grade,enrolled\nTestschule,6a,sechs,20\n",
     "Line 2: grade &#34;sechs&#34; is not a whole number from 5 to 10"),
    ("school,class,grade,enrolled\nTestschule,6a,12,20\n", "grade &#34;12&#34;"),
    ("school,class,grade,enrolled\nGibtsNicht,6a,6,20\n",
     "Line 2: unknown school &#34;GibtsNicht&#34;"),
    ("school,class,grade,enrolled\nTestschule,6a,6,-3\n", "pupils enrolled &#34;-3&#34;"),
])
def test_broken_class_list_is_reported_and_changes_nothing(app, admin, world, content,
                                                           message):
    before = counts(app)
    url = f"/admin/waves/{world.wave_id}/classes/import"
    result = upload(admin, url, content.encode(), "k.csv")
    assert result.status_code == 422
    assert message in result.text, result.text
    assert "Import these classes" not in result.text
    assert counts(app) == before


def test_confirm_rechecks_the_list(app, admin, world):
    before = counts(app)
    url = f"/admin/waves/{world.wave_id}/classes/import/confirm"
    result = admin.post(url, data={"csrf_token": token_of(admin),
                                   "content": "school,class,grade,enrolled\nTestschule,5a,5,1\n"})
    assert result.status_code == 302
    assert "nothing was imported" in admin.get(result.headers["Location"]).text
    assert counts(app) == before


def test_one_class_by_hand(app, admin, world):
    url = f"/admin/waves/{world.wave_id}/classes"
    token = token_of(admin)
    good = admin.post(url, data={"csrf_token": token, "school_id": world.school_b,
                                 "name": "8d", "grade": "8", "enrolled": "19"})
    assert good.status_code == 302
    duplicate = admin.post(url, data={"csrf_token": token, "school_id": world.school_b,
                                      "name": "8d", "grade": "8", "enrolled": "19"})
    assert duplicate.status_code == 422 and "already part of this wave" in duplicate.text
    grade = admin.post(url, data={"csrf_token": token, "school_id": world.school_b,
                                  "name": "3a", "grade": "3"})
    assert grade.status_code == 422 and "outside this wave&#39;s grades 5-10" in grade.text
    assert counts(app)[1] == 4
