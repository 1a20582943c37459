"""Scratch databases for the tests: a SQLite file, or a PostgreSQL database.

The PostgreSQL server is the machine's (``WELLBEING_TEST_POSTGRES``, default
``postgresql://postgres@127.0.0.1:5432/test``). When it is unreachable the
PostgreSQL variants are skipped with a visible reason, unless
``WELLBEING_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), where they fail.
"""

from __future__ import annotations

import os
import uuid
from functools import lru_cache

import psycopg
import pytest
from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get("WELLBEING_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("WELLBEING_REQUIRE_POSTGRES") == "1"
BACKENDS = ("sqlite", "postgresql")


def _conninfo(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


@lru_cache(maxsize=1)
def postgres_problem() -> str | None:
    """``None`` if the server answers, else why not."""
    try:
        with psycopg.connect(_conninfo(ADMIN_URL), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL at {ADMIN_URL} not reachable: {error}".strip()


def require_backend(backend: str) -> None:
    """Skip (or, in CI, fail) a PostgreSQL test when the server is down."""
    if backend == "postgresql" and postgres_problem():
        if REQUIRE_POSTGRES:
            pytest.fail(postgres_problem())
        pytest.skip(postgres_problem())


def create_postgres_database() -> str:
    """Create an empty database with a unique name; return its SQLAlchemy URL."""
    name = f"wb_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_conninfo(ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(ADMIN_URL).set(drivername="postgresql+psycopg", database=name) \
        .render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    """Drop a database made by :func:`create_postgres_database`."""
    name = make_url(url).database
    with psycopg.connect(_conninfo(ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database_url(backend: str, request, tmp_path) -> str:
    """The URL of a new, empty database on ``backend``, dropped after the test (PostgreSQL)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    url = create_postgres_database()
    request.addfinalizer(lambda: drop_postgres_database(url))
    return url
