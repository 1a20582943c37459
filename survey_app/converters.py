"""URL converters: an id in an address is a row id, so it is bounded like one.

Werkzeug's ``int`` converter takes any number of digits; a 25-digit id then
reaches the database, which cannot compare it with an INTEGER column (SQLite:
OverflowError, PostgreSQL: out of range) and the page fails with a 500. Ids
beyond the column's range cannot exist: such an address is simply not found.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

#: The largest value of a 32-bit signed INTEGER column (PostgreSQL and SQLite ids).
MAX_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<int:...>`` limited to 0 .. ``MAX_ID`` unless a route asks for another range."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else max, signed=signed)


def install(app: Flask) -> None:
    """Use :class:`RowIdConverter` for every ``<int:...>`` (call before routes are added)."""
    app.url_map.converters["int"] = RowIdConverter
