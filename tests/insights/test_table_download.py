"""Downloads of the tables behind charts: German or English CSV, XLSX, no formula injection."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from survey_app.services.table_download import DownloadTable, to_csv, to_xlsx

HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def _table() -> DownloadTable:
    table = DownloadTable(["Stadtteil", "=Wert", "Anteil"], title="Tabelle: 1/2")
    for number, name in enumerate(HOSTILE):
        table.rows.append([name, -0.25 * number, None])
    table.rows.append(["Nord", 3.5, 12])
    return table


def test_csv_in_german_uses_semicolons_decimal_commas_and_neutralises_formulas():
    data = to_csv(_table(), "de")
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Stadtteil", "'=Wert", "Anteil"]
    for row, hostile in zip(rows[1:], HOSTILE):
        assert row[0] == "'" + hostile
    assert rows[2][1] == "-0,25"  # a negative number stays a number
    assert rows[-1] == ["Nord", "3,5", "12"]


def test_csv_in_english_uses_commas_and_points():
    rows = list(csv.reader(io.StringIO(to_csv(_table(), "en").decode("utf-8-sig"))))
    assert rows[-1] == ["Nord", "3.5", "12"]
    assert rows[3][1] == "-0.5"


def test_xlsx_keeps_numbers_and_never_stores_a_formula():
    book = load_workbook(io.BytesIO(to_xlsx(_table())))
    sheet = book.active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert sheet["A2"].value == "'" + HOSTILE[0]
    assert sheet["B3"].value == -0.25 and sheet["C8"].value == 12
    assert sheet["C2"].value is None
