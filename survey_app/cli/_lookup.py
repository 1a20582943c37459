"""Finding the row a command option names, by name or by id.

Options such as ``--school`` take a name or an id. A value is taken as an id
only when it is plain ASCII digits within the id column's integer range:
``str.isdigit`` is also true for ``'²'`` (``int`` refuses it), and a number
beyond the range makes the database driver fail (SQLite: ``OverflowError``;
PostgreSQL: ``DataError``) instead of finding nothing.
"""

from __future__ import annotations

import re

import click
from sqlalchemy import BigInteger, select

_DIGITS = re.compile(r"[0-9]+")


def id_value(column, value: str) -> int | None:
    """``value`` as an id of ``column``, or None if it cannot be one.

    Examples
    --------
    >>> from survey_app.models import School
    >>> id_value(School.id, "12"), id_value(School.id, "²"), id_value(School.id, "9" * 20)
    (12, None, None)
    """
    if not _DIGITS.fullmatch(value):
        return None
    largest = 2**63 - 1 if isinstance(column.type, BigInteger) else 2**31 - 1
    number = int(value)
    return number if number <= largest else None


def one_named(session, model, value: str, label: str, option: str | None = None,
              **where):
    """The one row of ``model`` whose name (or else id) is ``value``, or a clear error.

    ``where`` narrows the search (e.g. a class within its wave and school);
    ``option`` names the command-line option in the message.
    """
    query = select(model).filter_by(**where)
    found = session.scalars(query.where(model.name == value)).all()
    number = id_value(model.id, value)
    if not found and number is not None:
        found = session.scalars(query.where(model.id == number)).all()
    if len(found) != 1:
        raise click.BadParameter(f"no single {label} named {value!r}" if not found
                                 else f"{label} {value!r} is ambiguous; use its id",
                                 param_hint=option)
    return found[0]
