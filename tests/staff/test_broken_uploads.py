"""Files the csv and json modules refuse get a message, not a server error, and change nothing.

Found by attacking the imports (issue 12): a cell longer than the csv module's
limit, a district CSV in neither UTF-8 nor Windows-1252, and GeoJSON nested
thousands of brackets deep each ended in a 500.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import AuditEvent, District, DistrictIndicator, School, SchoolClass
from tests.staff.conftest import login, token_of

LONG_CELL = "x" * 200_000
#: Each list import with a header it knows.
HEADERS = [
    ("districts", "name;code"),
    ("schools", "Schule;Schulnummer"),
    ("classes", "Schule;Klasse;Jahrgang;Schüler"),
    ("indicators", "municipality;district;indicator;year;value"),
]


def imports(world) -> dict[str, tuple[str, str, dict]]:
    """Each import: (account, address, extra form fields)."""
    return {
        "districts": ("admin", f"/admin/municipalities/{world.municipality_id}/districts",
                      {"crs": ""}),
        "schools": ("admin", "/admin/schools/import", {"municipality_id": str(world.municipality_id)}),
        "classes": ("admin", f"/admin/waves/{world.wave_id}/classes/import", {}),
        "indicators": ("planner", "/planner/indicators", {}),
    }


def everything(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (District, School, SchoolClass, DistrictIndicator, AuditEvent))


def uploader(app, world, which: str):
    """A signed-in client of the import's account, and a function that uploads one file."""
    account, url, extra = imports(world)[which]
    client = app.test_client()
    login(client, world.emails[account])

    def upload(content: bytes, filename: str):
        return client.post(url, data={"csrf_token": token_of(client), **extra,
                                      "file": (io.BytesIO(content), filename)},
                           content_type="multipart/form-data")
    return upload


@pytest.mark.parametrize("which, header", HEADERS)
@pytest.mark.parametrize("where", ["header", "row"])
def test_a_cell_longer_than_the_csv_limit_is_reported(app, world, which, header, where):
    upload = uploader(app, world, which)
    before = everything(app)
    lines = [f"{header};{LONG_CELL}", "a;b"] if where == "header" else [header, f"a;{LONG_CELL}"]
    page = upload("\n".join(lines).encode(), "liste.csv")
    assert page.status_code == 422, page.text[:300]
    assert "A cell of the file is longer than 131,072 characters" in page.text
    assert everything(app) == before


@pytest.mark.parametrize("which", [which for which, _ in HEADERS])
def test_bytes_windows_1252_leaves_undefined_are_read_and_refused_by_the_checks(app, world, which):
    upload = uploader(app, world, which)
    before = everything(app)
    page = upload(b"\x81\x8d\x8f\x90\x9d;\xff\n\x00\x81;\x9d\n", "liste.csv")
    assert page.status_code == 422, page.text[:300]
    assert everything(app) == before


def test_geojson_nested_too_deeply_is_reported(app, world):
    upload = uploader(app, world, "districts")
    before = everything(app)
    deep = b'{"type": "FeatureCollection", "features": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    page = upload(deep, "stadtteile.geojson")
    assert page.status_code == 422
    assert "nested too deeply" in page.text
    assert everything(app) == before


@pytest.mark.parametrize("which, header", HEADERS)
@pytest.mark.parametrize("encoding", ["nul", "utf-16"])
def test_control_characters_in_a_csv_are_reported_not_stored(app, world, which, header, encoding):
    """Found on PostgreSQL (issue 12): a NUL in a school list's cell was a server error."""
    upload = uploader(app, world, which)
    before = everything(app)
    text = f"{header}\nNeue\x00Schule;187001;6;20;1\n" if encoding == "nul" else \
        f"{header}\nNeue Schule;187001;6;20;1\n"
    page = upload(text.encode("utf-8" if encoding == "nul" else "utf-16"), "liste.csv")
    assert page.status_code == 422, page.text[:300]
    said = "contains characters that are not allowed" if which == "districts" else "control characters (such as NUL)"
    assert said in page.text  # districts: per feature, as for GeoJSON and Shapefiles
    assert everything(app) == before


@pytest.mark.parametrize("name", ["Neu\\u0000stadt", "Alt\\ud800stadt", "\\u202eNord"])
def test_district_names_with_hidden_characters_are_refused_at_the_upload(app, world, name):
    """A NUL passed the preview and was a server error on saving (PostgreSQL); a lone
    surrogate, valid JSON but not text, was a server error at once."""
    upload = uploader(app, world, "districts")
    before = everything(app)
    geojson = ('{"type": "FeatureCollection", "features": [{"type": "Feature", '
               '"properties": {"code": "77", "name": "%s"}, "geometry": {"type": "Polygon", '
               '"coordinates": [[[7.0, 51.0], [7.1, 51.0], [7.1, 51.1], [7.0, 51.0]]]}}]}' % name)
    page = upload(geojson.encode("ascii"), "stadtteile.geojson")
    assert page.status_code == 422, page.text[:300]
    assert "Feature 1: the field name contains characters that are not allowed." in page.text
    assert everything(app) == before
