"""Reading the CSV files staff upload: school lists, class lists, districts, indicators.

One place decides how a spreadsheet's CSV export is read, so that every import
treats encodings, delimiters and broken files alike, and a file that cannot be
read gets a message instead of a server error.
"""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from survey_app.input_checks import hidden_characters


class UnreadableCsv(ValueError):
    """A CSV file that cannot be read as rows; the message says why, for the user."""


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as older Excel writes it.

    Bytes that Windows-1252 leaves undefined become U+FFFD: the rows of such a
    file (a binary file, another code page) then fail their own checks.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def csv_reader(text: str) -> csv.reader:
    """Rows of a spreadsheet's CSV export, with the delimiter its first line uses (, ; or tab)."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else \
        ("\t" if first.count("\t") > first.count(",") else ",")
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def csv_rows(text: str) -> list[list[str]]:
    """The non-empty rows of ``text`` (:func:`csv_reader`).

    Raises :class:`UnreadableCsv` when the csv module refuses the file (a
    cell longer than its limit of 131,072 characters, a broken quote) or a
    cell holds control characters (a NUL cannot be stored in PostgreSQL; a
    UTF-16 file read as Windows-1252 is full of them).
    """
    try:
        rows = [r for r in csv_reader(text) if any(cell.strip() for cell in r)]
    except csv.Error as error:
        raise UnreadableCsv(csv_problem(error)) from None
    for number, row in enumerate(rows, start=1):
        if any(hidden_characters(cell) for cell in row):
            raise UnreadableCsv(_("Line %(line)d: control characters (such as NUL), which no list "
                                  "has. Is the file saved as CSV (UTF-8 or Windows-1252)?",
                                  line=number))
    return rows


def csv_problem(error: csv.Error) -> str:
    """What to tell the user about a file the csv module refused."""
    if "field larger than field limit" in str(error):
        return _("A cell of the file is longer than %(n)s characters. Is it the right file?",
                 n=f"{csv.field_size_limit():,}")
    return _("The CSV file cannot be read: %(error)s", error=str(error))
