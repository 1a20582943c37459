"""Shared column helpers for the models."""

from __future__ import annotations

from sqlalchemy import CheckConstraint


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """A named check constraint restricting ``column`` to ``values``.

    Used instead of database ENUM types, which are painful to migrate on
    PostgreSQL and do not exist on SQLite.
    """
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)
