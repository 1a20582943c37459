"""The table behind a chart, map or matrix as a CSV or XLSX download: the one module for it.

Shared by every planner and coordinator page (overview, district profile,
targeting, trends, region view, school results). A page builds a
:class:`DownloadTable` from the figures it shows, with column headers in the
page language, and :func:`download_response` turns it into a file:

- CSV in the German interface is what German Excel opens directly: semicolons,
  decimal commas, UTF-8 with a byte-order mark; in English commas and points.
- XLSX cells keep numbers as numbers; notes (source, threshold) follow the table
  after an empty row. A CSV holds the table only, so that it reads back as one.
- Formula injection: a text cell that starts with ``= + - @``, a tab or a
  carriage return gets a leading ``'`` in both formats, so that a district or
  indicator name such as ``=HYPERLINK(...)`` is shown, never executed. Numbers
  are written as numbers and are never touched.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field

from flask import Response, abort
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DANGER = re.compile(r"^[=+\-@\t\r]")


@dataclass
class DownloadTable:
    """Headers (already translated), rows of plain values, and notes printed below."""

    columns: list[str]
    rows: list[list] = field(default_factory=list)
    title: str = "table"
    notes: list[str] = field(default_factory=list)


def safe_text(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading ``'``.

    >>> safe_text("=1+2"), safe_text("Nord"), safe_text("-Sued")
    ("'=1+2", 'Nord', "'-Sued")
    """
    return "'" + value if _DANGER.match(value) else value


def safe_cell(value):
    """``value`` unchanged unless it is text a spreadsheet would read as a formula.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell(-0.5), safe_cell("Nord")
    ("'=HYPERLINK(1)", -0.5, 'Nord')
    """
    return safe_text(value) if isinstance(value, str) else value


def _cell(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    return safe_text(str(value))


def _csv_number(value, decimal_comma: bool) -> str:
    text = repr(round(value, 10)) if isinstance(value, float) else str(value)
    return text.replace(".", ",") if decimal_comma else text


def to_csv(table: DownloadTable, lang: str) -> bytes:
    """The table as CSV bytes (German: ``;`` and decimal commas, with a BOM)."""
    german = lang == "de"
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";" if german else ",", lineterminator="\r\n")
    writer.writerow([safe_text(str(c)) for c in table.columns])
    for row in table.rows:
        cells = []
        for value in map(_cell, row):
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append(str(value).lower())
            elif isinstance(value, (int, float)):
                cells.append(_csv_number(value, german))
            else:
                cells.append(value)
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: DownloadTable) -> bytes:
    """The table as an XLSX workbook with one sheet; numbers stay numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", "", table.title).strip()[:31] or "table"
    sheet.append([safe_text(str(c)) for c in table.columns])
    for row in table.rows:
        sheet.append([_cell(value) for value in row])
    if table.notes:
        sheet.append([])
        for note in table.notes:
            sheet.append([safe_text(str(note))])
    for column in sheet.columns:
        width = max((len(str(c.value)) for c in column[:len(table.rows) + 1]
                     if c.value is not None), default=6)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download_response(table: DownloadTable, fmt: str, filename: str, lang: str) -> Response:
    """The file as an attachment; 404 for a format that is not offered."""
    if fmt not in FORMATS:
        abort(404)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", filename).strip("_") or "table"
    if fmt == "csv":
        body, mimetype = to_csv(table, lang), "text/csv; charset=utf-8"
    else:
        body, mimetype = to_xlsx(table), XLSX_TYPE
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"  # figures of children: not kept by proxies
    return response
