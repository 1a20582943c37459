"""The server-side map: projection of district shapes, classes and palettes; safe downloads."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from survey_app.services import choropleth
from survey_app.services.table_download import DownloadTable, safe_cell, to_csv, to_xlsx

SQUARE = {"type": "Polygon", "coordinates": [[[7.0, 51.0], [7.1, 51.0], [7.1, 51.1],
                                              [7.0, 51.1], [7.0, 51.0]]]}
TWO = {"type": "MultiPolygon", "coordinates": [
    [[[7.1, 51.0], [7.2, 51.0], [7.2, 51.1], [7.1, 51.0]]],
    [[[7.3, 51.0], [7.4, 51.0], [7.4, 51.05], [7.3, 51.0]]]]}


def test_shapes_fill_the_width_north_up_and_bad_geometry_is_left_out():
    projected = choropleth.project({1: json.dumps(SQUARE), 2: json.dumps(TWO), 3: "not json",
                                    4: None, 5: '{"type": "Point", "coordinates": [7, 51]}'})
    assert set(projected.shapes) == {1, 2} and projected.width == choropleth.WIDTH
    assert projected.shapes[2].path.count("M") == 2  # both parts of the multipolygon
    xs = [float(p.split(",")[0].lstrip("ML ")) for p in projected.shapes[1].path.split()
          if "," in p]
    assert min(xs) == 0.0
    # north is up: the square's northern edge (lat 51.1) is at y = 0
    ys = [float(p.split(",")[1]) for p in projected.shapes[1].path.split() if "," in p]
    assert min(ys) == 0.0 and abs(max(ys) - projected.height) < 1
    assert 0 < projected.shapes[1].x < projected.shapes[2].x
    assert choropleth.project({1: None, 2: "{}"}) is None


def test_classes_cover_every_value_and_differences_are_symmetric():
    values = [2.1, 2.5, 3.0, 3.3, 4.0]
    breaks = choropleth.level_breaks(values)
    assert len(breaks) == len(choropleth.SEQUENTIAL) + 1
    classes = [choropleth.classify(v, breaks) for v in values]
    assert classes[0] == 0 and classes[-1] == len(choropleth.SEQUENTIAL) - 1
    assert classes == sorted(classes)
    diff = choropleth.difference_breaks([-0.2, 0.5, None])
    assert diff[0] == -diff[-1] == -0.5
    assert choropleth.classify(0.0, diff) == 2  # near the city: the neutral middle colour
    assert choropleth.level_breaks([]) == [] and choropleth.classify(1.0, []) is None
    assert len(choropleth.level_breaks([3.0, 3.0])) == 6  # one value: no division by zero


def test_downloads_never_start_a_text_cell_with_a_formula():
    rows = [["=1+1", "+49", "-x", "@SUM(A1)", "\tTab", "Nord", -0.25, None]]
    assert [safe_cell(v) for v in rows[0][:6]] == ["'=1+1", "'+49", "'-x", "'@SUM(A1)",
                                                   "'\tTab", "Nord"]
    text = to_csv(DownloadTable(["=Kopf", "b"], rows), "en").decode("utf-8-sig")
    assert text.startswith("'=Kopf,b") and ",-0.25," in text
    table = DownloadTable(["a"] * 8, rows, "T/ab[1]", ["=note"])
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    values = [c.value for c in sheet[2]]
    assert values[0] == "'=1+1" and values[6] == -0.25
    assert sheet.title == "Tab1" and sheet["A4"].value == "'=note"
