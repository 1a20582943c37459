"""The district import as a city's GIS office delivers districts (issue 8, section 4).

GeoJSON in any coordinate system, zipped Shapefiles, GeoPackages and plain
CSV lists are accepted; the admin picks the name, number and places fields,
sees the districts on a map, and only then saves. Broken files change nothing.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from sqlalchemy import func, select

from survey_app.demo.seed import DISTRICT_NAMES, district_polygon
from survey_app.extensions import db
from survey_app.models import AuditEvent, District
from tests.staff.conftest import login, token_of

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
GEOJSON_25832 = SAMPLES / "districts_epsg25832.geojson"
NAMES_CSV = SAMPLES / "districts_names.csv"


@pytest.fixture
def admin(app, world):
    client = app.test_client()
    login(client, world.emails["admin"])
    return client


def upload(client, world, content: bytes, filename: str, crs: str = ""):
    return client.post(f"/admin/municipalities/{world.municipality_id}/districts",
                       data={"csrf_token": token_of(client), "crs": crs,
                             "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def choose(client, world, save: bool = True, **fields):
    data = {"csrf_token": token_of(client), "name_field": "", "number_field": "",
            "places_field": "", "layer": "", "crs": ""}
    data.update(fields)
    data["save" if save else "preview"] = "x"
    return client.post(f"/admin/municipalities/{world.municipality_id}/districts/preview",
                       data=data)


def selected(page: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    found = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                      select)
    return (found.group(1) or found.group(2)) if found else ""


def districts(app) -> dict[str, District]:
    with app.app_context():
        rows = {d.name: d for d in db.session.scalars(select(District))}
        db.session.expunge_all()
        return rows


def count(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(District)),
                db.session.scalar(select(func.count()).select_from(AuditEvent)))


def sample_features():
    collection = json.loads(GEOJSON_25832.read_text(encoding="utf-8"))
    return collection["features"]


def gdal_file(tmp_path, driver: str, suffix: str, crs: str | None = "EPSG:25832",
              fields=("STT_NR", "STT_NAME", "ORTE")) -> Path:
    """The sample districts written by GDAL itself (Shapefile or GeoPackage)."""
    features = sample_features()
    path = tmp_path / f"stadtteile{suffix}"
    geometry = np.array([shapely.to_wkb(shapely.geometry.shape(f["geometry"]))
                         for f in features], dtype=object)
    values = [np.array([f["properties"][k] for f in features], dtype=object) for k in fields]
    pyogrio.raw.write(str(path), geometry, values, list(fields), driver=driver, crs=crs,
                      geometry_type="Polygon", encoding="UTF-8" if suffix == ".shp" else None)
    return path


def zipped_shapefile(tmp_path, with_prj: bool = True) -> bytes:
    shp = gdal_file(tmp_path, "ESRI Shapefile", ".shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in shp.parent.glob("stadtteile.*"):
            if part.suffix == ".prj" and not with_prj:
                continue
            archive.write(part, f"Stadtteile_2025/{part.name}")
    return buffer.getvalue()


def assert_demo_districts_stored(app, with_places: bool = True):
    stored = districts(app)
    for index, name in enumerate(DISTRICT_NAMES):
        district = stored[name]
        assert district.number == f"{index + 1:02d}"
        expected = shapely.geometry.shape(json.loads(district_polygon(index)))
        stored_shape = shapely.geometry.shape(json.loads(district.geometry))
        # back in WGS 84, to about 20 cm (a Shapefile may start its rings elsewhere)
        assert stored_shape.hausdorff_distance(expected) < 2e-6
    if with_places:
        assert stored["Altstadt"].place_names() == ["Rathaus", "Marktplatz", "Hauptbahnhof"]
        assert stored["Heide"].places is None


def test_a_geojson_in_utm_32n_is_previewed_on_a_map_then_saved_in_wgs84(app, admin, world):
    before = count(app)
    page = upload(admin, world, GEOJSON_25832.read_bytes(), "stadtteile.geojson")
    assert page.status_code == 200, page.text
    assert count(app) == before  # nothing saved before the admin confirms
    assert "EPSG:25832" in page.text and "12 districts in the file" in page.text
    assert selected(page.text, "name_field") == "STT_NAME"
    assert selected(page.text, "number_field") == "STT_NR"
    assert selected(page.text, "places_field") == "ORTE"
    assert page.text.count("<path d=\"M") == 12  # the map preview
    assert "Rathaus; Marktplatz; Hauptbahnhof" in page.text
    result = choose(admin, world, name_field="STT_NAME", number_field="STT_NR",
                    places_field="ORTE")
    assert result.status_code == 303, result.text
    assert "12 added, 0 updated" in admin.get(result.headers["Location"]).text
    assert districts(app)["Nord"].code == "01"  # untouched: another district had code 01
    assert_demo_districts_stored(app)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "districts.import"))
        assert '"crs": "EPSG:25832"' in event.details and '"format": "geojson"' in event.details


def test_a_zipped_shapefile_is_read_with_its_prj(app, admin, world, tmp_path):
    page = upload(admin, world, zipped_shapefile(tmp_path), "Stadtteile_2025.zip")
    assert page.status_code == 200, page.text
    assert "EPSG:25832" in page.text and selected(page.text, "name_field") == "STT_NAME"
    result = choose(admin, world, name_field="STT_NAME", number_field="STT_NR",
                    places_field="ORTE")
    assert result.status_code == 303, result.text
    assert_demo_districts_stored(app)


def test_a_geopackage_is_read(app, admin, world, tmp_path):
    gpkg = gdal_file(tmp_path, "GPKG", ".gpkg")
    page = upload(admin, world, gpkg.read_bytes(), "stadtteile.gpkg")
    assert page.status_code == 200, page.text
    result = choose(admin, world, name_field="STT_NAME", number_field="STT_NR",
                    places_field="ORTE", layer="stadtteile")
    assert result.status_code == 303, result.text
    assert_demo_districts_stored(app)


def test_the_admin_picks_the_fields_and_the_coordinate_system(app, admin, world, tmp_path):
    features = sample_features()
    for f in features:  # a file with the office's own field names, and no crs member
        f["properties"] = {"BEZ_LANG": f["properties"]["STT_NAME"], "SCHLUESSEL":
                           f"05 9{f['properties']['STT_NR']}", "FLAECHE": 4.2}
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    page = upload(admin, world, content, "bezirke.json")
    assert page.status_code == 422  # UTM coordinates read as longitude/latitude
    assert "choose the coordinate system the file uses" in page.text
    page = choose(admin, world, save=False, name_field="BEZ_LANG", number_field="SCHLUESSEL",
                  crs="EPSG:25832")
    assert page.status_code == 200, page.text
    assert "05 901" in page.text and "Altstadt" in page.text
    result = choose(admin, world, name_field="BEZ_LANG", number_field="SCHLUESSEL",
                    crs="EPSG:25832")
    assert result.status_code == 303
    stored = districts(app)
    assert stored["Altstadt"].number == "05 901" and stored["Altstadt"].code == "05 901"
    assert stored["Altstadt"].places is None


def test_a_csv_of_names_adds_districts_without_boundaries_and_keeps_existing_ones(app, admin,
                                                                                 world):
    with app.app_context():
        nord = db.session.scalar(select(District).where(District.name == "Nord"))
        nord.geometry = district_polygon(0)
        db.session.commit()
    content = "Nummer;Stadtteil;Orte\r\n01;Nord;Zeche Nord\r\n20;Hafenviertel;\r\n" \
        .encode("cp1252")
    page = upload(admin, world, content, "stadtteile.csv")
    assert page.status_code == 200, page.text
    assert "no boundaries" in page.text
    assert selected(page.text, "name_field") == "Stadtteil"
    assert selected(page.text, "number_field") == "Nummer"
    assert "update (code 01)" in page.text and ">new<" in page.text
    assert choose(admin, world, name_field="Stadtteil", number_field="Nummer",
                  places_field="Orte").status_code == 303
    stored = districts(app)
    assert stored["Nord"].geometry == district_polygon(0)  # the boundary is kept
    assert stored["Nord"].number == "01" and stored["Nord"].place_names() == ["Zeche Nord"]
    assert stored["Hafenviertel"].geometry is None and stored["Hafenviertel"].code == "20"


def test_the_names_sample_from_the_docs_imports(app, admin, world):
    page = upload(admin, world, NAMES_CSV.read_bytes(), "districts_names.csv")
    assert page.status_code == 200, page.text
    assert choose(admin, world, name_field="STT_NAME", number_field="STT_NR",
                  places_field="ORTE").status_code == 303
    assert districts(app)["Südpark"].place_names() == ["Gymnasium am Park", "Stadtpark"]


def test_a_rename_by_number_is_shown_before_saving(app, admin, world):
    upload(admin, world, b"STT_NR,STT_NAME\n501,Nord\n", "d.csv")
    assert choose(admin, world, name_field="STT_NAME", number_field="STT_NR").status_code == 303
    page = upload(admin, world, b"STT_NR,STT_NAME\n501,Nordstadt\n02,Mittelfeld\n", "d.csv")
    assert "renames Nord (code 01)" in page.text  # the same number, a new name
    assert page.text.count(">new<") == 1  # a code is never taken for a number
    assert choose(admin, world, name_field="STT_NAME", number_field="STT_NR").status_code == 303
    stored = districts(app)
    assert stored["Nordstadt"].code == "01" and stored["Mitte"].code == "02"
    assert stored["Mittelfeld"].number == "02" and stored["Mittelfeld"].code not in (
        "01", "02", "03")


def test_a_shapefile_without_prj_asks_for_the_coordinate_system(app, admin, world, tmp_path):
    before = count(app)
    page = upload(admin, world, zipped_shapefile(tmp_path, with_prj=False), "s.zip")
    assert page.status_code == 422
    assert "does not say which coordinate system" in page.text
    assert "Import these districts" not in page.text
    page = choose(admin, world, name_field="STT_NAME", number_field="STT_NR",
                  crs="EPSG:25832")
    assert page.status_code == 303
    assert count(app)[0] == before[0] + 12


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("_", "."), content)
    return buffer.getvalue()


SQUARE = [[[7.0, 51.0], [7.1, 51.0], [7.1, 51.1], [7.0, 51.1], [7.0, 51.0]]]


def feature(name=None, geometry=None, code=None):
    properties = {} if name is None else {"name": name}
    if code is not None:
        properties["code"] = code
    return {"type": "Feature", "properties": properties,
            "geometry": geometry or {"type": "Polygon", "coordinates": SQUARE}}


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


@pytest.mark.parametrize("content,filename,message", [
    (b"{not json", "d.geojson", "not valid JSON (line 1"),
    (b"\xff\xfe{", "d.geojson", "not UTF-8"),
    (json.dumps({"type": "Feature"}).encode(), "d.geojson", "not a GeoJSON FeatureCollection"),
    (geojson(), "d.geojson", "has no features"),
    (b"", "d.geojson", "The file is empty"),
    (b"x" * 10, "d.shp", "upload them together as one .zip file"),
    (_zip(a_txt=b"hello"), "d.zip", "exactly one Shapefile"),
    (_zip(a_shp=b"x", a_dbf=b"x"), "d.zip", "lacks its .shx file"),
    (_zip(a_shp=b"x", a_shx=b"x", a_dbf=b"x"), "d.zip", "cannot be read"),
    (b"SQLite format 3\x00" + b"\x00" * 100, "d.gpkg", "not a GeoPackage"),
    (b"PK\x03\x04broken", "d.zip", "cannot be opened"),
])
def test_an_unreadable_file_is_reported_and_changes_nothing(app, admin, world, content,
                                                            filename, message):
    before = count(app)
    result = upload(admin, world, content, filename)
    assert result.status_code == 422
    assert message in result.text, result.text
    assert count(app) == before


@pytest.mark.parametrize("content,message,save", [
    (geojson(feature("A"), feature(None)), "Feature 2: it has no name", False),
    (geojson(feature("A"), feature("B", {"type": "Point", "coordinates": [7, 51]})),
     "Feature 2 (B): its geometry is a Point, not a Polygon or MultiPolygon", False),
    (geojson(feature("A", {"type": "Polygon", "coordinates": [[[7, 51], [8, 51], [8, 52],
                                                                 [7, 52]]]})),
     "ring is not closed", False),
    (geojson(feature("A", {"type": "Polygon", "coordinates": [[[700, 51], [8, 51], [8, 52],
                                                                 [700, 51]]]})),
     "outside longitude/latitude", False),
    (geojson(feature("A"), feature("a")), "occurs twice in the file", False),
    (geojson(feature("A", code="7"), feature("B", code="7")), "number 7 occurs twice", False),
])
def test_broken_districts_are_listed_and_change_nothing(app, admin, world, content, message,
                                                        save):
    before = count(app)
    result = upload(admin, world, content, "d.geojson")
    if save:
        result = choose(admin, world, name_field="name", number_field="code")
    assert result.status_code == 422
    assert message in result.text.replace("&#34;", '"'), result.text
    assert count(app) == before


def test_a_number_of_one_district_with_the_name_of_another_is_refused(app, admin, world):
    upload(admin, world, b"nr,name\n7,Nord\n", "d.csv")
    assert choose(admin, world, name_field="name", number_field="nr").status_code == 303
    before = count(app)
    upload(admin, world, b"nr,name\n7,Mitte\n", "d.csv")
    result = choose(admin, world, name_field="name", number_field="nr")
    assert result.status_code == 422
    assert "District Mitte exists already with code 02" in result.text
    assert count(app) == before


def test_every_bad_feature_is_listed(app, admin, world):
    result = upload(admin, world, geojson(feature(None), feature("Ok"), feature(
        "Punkt", {"type": "Point", "coordinates": [7, 51]})), "d.geojson")
    assert "Feature 1:" in result.text and "Feature 3 (Punkt)" in result.text
    assert "2 problems" in result.text


def test_a_preview_without_an_upload_asks_for_the_file_again(app, admin, world):
    result = choose(admin, world, name_field="name")
    assert result.status_code == 303
    assert "upload it again" in admin.get(result.headers["Location"]).text


def test_a_tampered_field_choice_changes_nothing(app, admin, world):
    before = count(app)
    upload(admin, world, geojson(feature("A")), "d.geojson")
    result = choose(admin, world, name_field="password")
    assert result.status_code == 422 and count(app) == before
