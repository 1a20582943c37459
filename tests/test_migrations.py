"""Migrations produce exactly the models' schema, and downgrade cleanly (issue 2, item 4)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from survey_app.extensions import db
from tests.conftest import make_app
from tests.databases import create_postgres_database, drop_postgres_database, require_backend


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """The URL of an empty database on each backend."""
    require_backend(request.param)
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    url = create_postgres_database()
    yield url
    drop_postgres_database(url)


def _schema_difference(app) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_to_head_matches_models_and_downgrade_empties(empty_database, tmp_path):
    app = make_app(empty_database, tmp_path / "instance")
    with app.app_context():
        upgrade()
        assert _schema_difference(app) == []
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

        upgrade()  # and back up again: the round trip leaves nothing behind
        assert _schema_difference(app) == []
        db.engine.dispose()
