"""Fixtures in the style of Flask's tutorial: ``app``, ``client``, ``runner``.

Database tests run once per backend: SQLite always, PostgreSQL when the
machine's server is reachable (see :mod:`tests.databases`). Each test gets an
empty schema: a copy of a template SQLite file, or a PostgreSQL database that
is truncated after the test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from survey_app import create_app
from survey_app.extensions import db
from tests.databases import (
    BACKENDS,
    create_postgres_database,
    drop_postgres_database,
    require_backend,
)

FILES = Path(__file__).parent / "questionnaire" / "files"
TEST_SECRET = "test-secret-" + "x" * 40


def make_app(database_url: str, instance: Path, **extra):
    """An app on ``database_url`` with test settings (CSRF stays on)."""
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance),
        "QUESTIONNAIRE_DIRS": str(FILES),
    }
    config.update(extra)
    return create_app(config)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file holding the empty schema, copied for every test."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.sqlite"
    app = make_app(f"sqlite:///{path}", folder / "instance")
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url():
    """One scratch PostgreSQL database with the schema, for the whole session."""
    require_backend("postgresql")
    url = create_postgres_database()
    app = make_app(url, Path("/tmp/wb-instance-unused"))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    drop_postgres_database(url)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The database backend of this test run: ``sqlite`` or ``postgresql``."""
    require_backend(request.param)
    return request.param


@pytest.fixture
def app(backend, request, tmp_path):
    """A fresh app on an empty schema of the current backend."""
    if backend == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
    app = make_app(url, tmp_path / "instance")
    yield app
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of ``app``."""
    return app.test_cli_runner()
