"""District files that crashed, hung or wrongly refused the import (found by attacking the
uploads, issue 12): each now gets a clear message, or is read as it should be."""

from __future__ import annotations

import json

import numpy as np
import pyogrio
import pytest
import shapely
from flask_babel import force_locale

from survey_app.services.district_files import MAX_DISTRICTS, UnreadableFile, read_table
from tests.staff.test_district_import import gdal_file, sample_features


def _refused(data: bytes, filename: str, crs: str | None = None) -> str:
    with pytest.raises(UnreadableFile) as error, force_locale("en"):
        read_table(data, filename, crs)
    return " ".join(error.value.problems)


def _square(x: float, y: float) -> list:
    return [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]]


def _collection(features: list, crs: str | None = None) -> bytes:
    collection = {"type": "FeatureCollection", "features": features}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(collection).encode()


def test_a_number_of_thousands_of_digits_is_refused_with_a_message(app):
    number = "9" * 5000  # Python refuses to read it as an int: was a 500
    text = ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
            '{"name": "Nord"}, "geometry": {"type": "Polygon", "coordinates": [[[' + number +
            ', 1], [2, 2], [3, 1], [1, 1]]]}}]}')
    with app.test_request_context():
        assert "number too long" in _refused(text.encode(), "d.geojson")


def test_coordinates_nested_too_deeply_to_reproject_are_a_problem_not_a_crash(app):
    """A file nested about 970 deep passed json.loads, and the reprojection's recursion
    raised RecursionError (a 500)."""
    from survey_app.services.district_files import DistrictTable, _reproject

    nested = [6.9, 51.4]
    for _ in range(5000):
        nested = [nested]
    table = DistrictTable("geojson", ["name"], [{"name": "Nord"}],
                          [{"type": "Polygon", "coordinates": nested}], crs="EPSG:25832")
    with app.test_request_context():
        _reproject(table, "EPSG:25832")
    assert table.geometries[0]["coordinates"] is None  # reported as unusable by the checks


def test_more_districts_than_any_municipality_has_are_refused_early(app):
    many = [{"type": "Feature", "properties": {"name": f"D{i}"},
             "geometry": {"type": "Polygon", "coordinates": _square(i / 100, 0)}}
            for i in range(MAX_DISTRICTS + 1)]
    rows = "nummer;name\n" + "".join(f"{i};D{i}\n" for i in range(MAX_DISTRICTS * 50))
    wide = ";".join(f"f{i}" for i in range(5000)) + "\n" + ";".join("x" * 5000) + "\n"
    with app.test_request_context():
        assert f"more than {MAX_DISTRICTS} districts" in _refused(_collection(many), "d.geojson")
        assert f"more than {MAX_DISTRICTS} districts" in _refused(rows.encode(), "d.csv")
        assert "more than 200 columns" in _refused(wide.encode(), "d.csv")


def test_a_geopackage_with_more_features_is_refused_without_reading_them_all(app, tmp_path,
                                                                            monkeypatch):
    path = tmp_path / "many.gpkg"
    count = MAX_DISTRICTS + 10
    geometry = np.array([shapely.to_wkb(shapely.box(i, 0, i + 1, 1)) for i in range(count)],
                        dtype=object)
    pyogrio.raw.write(str(path), geometry, [np.array([f"D{i}" for i in range(count)],
                                                     dtype=object)],
                      ["name"], driver="GPKG", crs="EPSG:4326", geometry_type="Polygon")
    asked = []
    read = pyogrio.raw.read
    monkeypatch.setattr(pyogrio.raw, "read",
                        lambda *a, **k: asked.append(k.get("max_features")) or read(*a, **k))
    with app.test_request_context():
        assert f"more than {MAX_DISTRICTS} districts" in _refused(path.read_bytes(), "d.gpkg")
    assert asked == [MAX_DISTRICTS + 1]


def test_a_gdal_error_without_text_still_says_the_file_cannot_be_read(app, tmp_path,
                                                                     monkeypatch):
    gpkg = gdal_file(tmp_path, "GPKG", ".gpkg")

    def exhausted(*args, **kwargs):
        raise MemoryError()  # str() is empty: the message's first line was an IndexError

    monkeypatch.setattr(pyogrio.raw, "read", exhausted)
    with app.test_request_context():
        assert "cannot be read: MemoryError" in _refused(gpkg.read_bytes(), "d.gpkg")


def test_a_geopackage_in_wgs84_is_read_with_its_boundaries(app, tmp_path):
    """Unreprojected geometries came as shapely's tuples, which the checks refused as
    'no coordinates': no WGS 84 GeoPackage or Shapefile could be imported."""
    transformed = read_table(_collection(sample_features(), crs="EPSG:25832"), "d.geojson")
    path = tmp_path / "wgs84.gpkg"
    geometry = np.array([shapely.to_wkb(shapely.geometry.shape(g))
                         for g in transformed.geometries], dtype=object)
    pyogrio.raw.write(str(path), geometry, [np.array([r["STT_NAME"] for r in transformed.rows],
                                                     dtype=object)],
                      ["name"], driver="GPKG", crs="EPSG:4326", geometry_type="Polygon")
    with app.test_request_context():
        table = read_table(path.read_bytes(), "wgs84.gpkg")
    assert table.crs == "EPSG:4326" and table.problems == []
    assert all(isinstance(g["coordinates"], list) for g in table.geometries)
