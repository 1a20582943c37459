"""Tables behind the planner pages as CSV and XLSX, safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be run as a formula by Excel or LibreOffice ("CSV injection");
such cells get a leading apostrophe. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Sequence

from openpyxl import Workbook

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged unless it is text a spreadsheet would read as a formula.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell(-0.5), safe_cell("Nord")
    ("'=HYPERLINK(1)", -0.5, 'Nord')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads umlauts), formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str,
            notes: Sequence[str] = ()) -> bytes:
    """A workbook with the table on its first sheet and notes (source, threshold) below it."""
    book = Workbook()
    sheet = book.active
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Table"
    sheet.append([safe_cell(h) for h in headers])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    if notes:
        sheet.append([])
        for note in notes:
            sheet.append([safe_cell(note)])
    for column in sheet.columns:
        width = max(len(str(c.value)) for c in column if c.value is not None) if column else 8
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
