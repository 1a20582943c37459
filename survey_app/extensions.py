"""Flask extensions, created once and bound to the app in :func:`survey_app.create_app`."""

from __future__ import annotations

import hashlib
import sqlite3

from flask import Flask, current_app, request
from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

#: Stable constraint names, so that Alembic diffs and downgrades never depend on
#: names the database made up.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model; carries the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def client_key() -> str:
    """Rate-limit key for a client: a keyed hash of its address, never the address.

    Limits must hold per client across worker processes (for example in
    Redis), but the storage must not collect pupils' IP addresses.
    """
    secret = current_app.config["SECRET_KEY"].encode()
    address = (request.remote_addr or "unknown").encode()
    return hashlib.blake2b(address, key=secret[:64], digest_size=16).hexdigest()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()


class RateCounters:
    """The counters of the back-offs (:mod:`survey_app.backoff`), in ``RATELIMIT_STORAGE_URI``.

    The ``limits`` library's storage and fixed-window counting, bound per
    app. Flask-Limiter is not used: no view declares a limit (a hard limit
    would turn away pupils with valid codes), and its check on every request
    cost each page save time for nothing (issue 12).
    """

    _KEY = "survey_app.rate_counters"

    def init_app(self, app: Flask) -> None:
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        app.extensions[self._KEY] = (storage, FixedWindowRateLimiter(storage))

    @property
    def storage(self) -> Storage:
        """The current app's counter store (memory, or Redis shared by every worker)."""
        return current_app.extensions[self._KEY][0]

    @property
    def limiter(self) -> FixedWindowRateLimiter:
        """Fixed-window counting on :attr:`storage`."""
        return current_app.extensions[self._KEY][1]


#: The back-offs' counters; storage comes from RATELIMIT_STORAGE_URI.
rate_counters = RateCounters()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Make SQLite safe for many pupils at once and strict about references.

    WAL lets readers go on while one pupil's page is written; busy_timeout makes
    a writer wait instead of failing; synchronous=FULL means an acknowledged
    answer survives a power cut; foreign keys are off in SQLite unless asked.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()
