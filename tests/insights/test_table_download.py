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


def test_overview_and_profile_downloads_use_the_german_format_in_german(app):
    """The overview and the district profile go through the one download module: German
    interface, German CSV (semicolons, decimal commas, BOM); English stays international."""
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import District
    from tests.insights.conftest import logged_in, make_released

    with app.app_context():
        r = make_released()
        district_id = db.session.scalars(select(District.id).where(
            District.municipality_id == r.municipality_id).order_by(District.code)).first()
    client = logged_in(app, r.emails["planner"])
    base = f"/planner/waves/{r.wave_id}/municipalities/{r.municipality_id}"
    english = client.get(f"{base}/table.csv?measure=life_satisfaction")
    assert english.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(english.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["District code", "District"]
    assert any("." in row[3] for row in rows[1:] if row[3])
    with client.session_transaction() as session:
        session["lang"] = "de"
    for url in (f"{base}/table.csv?measure=life_satisfaction",
                f"{base}/districts/{district_id}/table.csv"):
        data = client.get(url).data
        assert data.startswith("\ufeff".encode("utf-8"))
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert len(rows[0]) > 5 and all(len(row) == len(rows[0]) for row in rows)
        numbers = [cell for row in rows[1:] for cell in row if cell[:1].isdigit()]
        assert any("," in cell for cell in numbers) and not any(
            "." in cell and cell.replace(".", "").isdigit() for cell in numbers)
