"""The shape of a CSV file: one name per column, and every row as long as the header.

pandas reads a malformed file without a word: it renames a repeated column
name (``ls_2`` becomes ``ls_2.1``, which then matches no item and is
ignored), fills the fields a short row lacks with "missing", and when rows
have one field more than the header it takes the first column as the index,
shifting every value one column to the left. Each of these would reach the
estimates as wrong answers, so the file is checked with the :mod:`csv`
module before pandas reads it.

A row with fewer fields than the header is refused, not padded: the
project's own writers (``wellbeing export`` and ``simulate``, through
pandas) and the common tools (Python's :mod:`csv`, R, spreadsheets) write
every field of every row, as RFC 4180 asks, so a short row means a cut-off
or hand-damaged file, whose missing fields are not missing answers.
"""

from __future__ import annotations

import csv
from pathlib import Path

_SHOWN = 5


def check_rows(path: Path) -> None:
    """Raise ``ValueError`` naming the column or lines if ``path`` is not a clean table.

    Blank lines are skipped, as pandas skips them. Files pandas cannot read
    at all (empty, not UTF-8) are left to pandas, which says so.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = path.write_text("a,b,c\\n1,2,3\\n4,5\\n", encoding="utf-8")
    >>> check_rows(path)
    Traceback (most recent call last):
    ...
    ValueError: r.csv: the header has 3 fields, but line 3 has 2; every row needs a field for every column (empty for a missing answer): is the file cut off?
    """
    try:
        header, lengths = _shape(path)
        if header is None:
            return
        _check_header(path, header)
        if lengths <= {len(header)}:
            return  # the common case: one pass, no line numbers kept
        _refuse_rows(path, len(header))
    except csv.Error as exc:
        raise ValueError(f"{path.name}: not a readable CSV file ({exc})") from None
    except UnicodeDecodeError:
        return  # pandas reports it, with the same wording as for other files


def _rows(file):
    """(first line, fields) of every record that is not a blank line."""
    reader = csv.reader(file)
    end = 0
    for fields in reader:
        start, end = end + 1, reader.line_num
        if fields:
            yield start, fields


def _check_header(path: Path, header: list[str]) -> None:
    seen: dict[str, int] = {}
    for number, name in enumerate(header, 1):
        if name in seen:
            raise ValueError(f"{path.name}: column {name!r} appears twice in the header "
                             f"(columns {seen[name]} and {number}); every column needs its "
                             f"own name")
        seen[name] = number


def _shape(path: Path) -> tuple[list[str] | None, set[int]]:
    """The header (``None`` for a file of blank lines) and the numbers of fields the
    data rows have, in one pass (no line numbers kept: they are only needed to refuse)."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        header = next((fields for fields in reader if fields), None)
        lengths = set(map(len, reader))
    lengths.discard(0)  # blank lines
    return header, lengths


def _refuse_rows(path: Path, width: int) -> None:
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = _rows(file)
        next(rows)  # the header
        bad = [(line, len(fields)) for line, fields in rows if len(fields) != width]
    shown = ", ".join(f"line {line} has {n}" for line, n in bad[:_SHOWN])
    more = f" (and {len(bad) - _SHOWN} more such rows)" if len(bad) > _SHOWN else ""
    hints = []
    if any(n < width for _, n in bad):
        hints.append("every row needs a field for every column (empty for a missing "
                     "answer): is the file cut off?")
    if any(n > width for _, n in bad):
        hints.append("a value that contains a comma must be in double quotes")
    raise ValueError(f"{path.name}: the header has {width} fields, but {shown}{more}; "
                     + " ".join(hints))
