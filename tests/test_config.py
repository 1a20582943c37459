"""Configuration from the environment with safe defaults (issue 2, item 2)."""

from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import text

from survey_app import create_app
from survey_app.config import ConfigError, database_url
from survey_app.extensions import db


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "MIN_GROUP_SIZE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_sqlite_in_instance_and_generated_secret_kept(clean_env, tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/wellbeing.sqlite"
    assert app.config["MIN_GROUP_SIZE"] == 10
    key = app.config["SECRET_KEY"]
    assert len(key) >= 64
    assert oct(os.stat(tmp_path / "secret_key").st_mode & 0o777) == "0o600"
    again = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert again.config["SECRET_KEY"] == key  # sessions survive a restart
    other = tmp_path / "other"
    assert create_app({"INSTANCE_PATH": str(other)}).config["SECRET_KEY"] != key


def test_environment_wins_over_defaults(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgres://u@db.example/survey")
    clean_env.setenv("SECRET_KEY", "s" * 40)
    clean_env.setenv("MIN_GROUP_SIZE", "15")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/survey"
    assert app.config["SECRET_KEY"] == "s" * 40
    assert app.config["MIN_GROUP_SIZE"] == 15
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("value", ["ten", "0", "-3", "2.5"])
def test_bad_min_group_size_is_refused_with_a_message(clean_env, tmp_path, value):
    clean_env.setenv("MIN_GROUP_SIZE", value)
    with pytest.raises(ConfigError, match="MIN_GROUP_SIZE"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_postgresql_urls_use_psycopg3():
    assert database_url("postgresql://a/b", "/i") == "postgresql+psycopg://a/b"
    assert database_url("postgresql+psycopg://a/b", "/i") == "postgresql+psycopg://a/b"


def test_sqlite_connections_are_safe_for_many_writers(clean_env, tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40})
    with app.app_context():
        with db.engine.connect() as conn:
            pragma = lambda name: conn.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("busy_timeout") >= 5000
            assert pragma("foreign_keys") == 1
            assert pragma("synchronous") == 2  # FULL
        db.engine.dispose()
    assert isinstance(sqlite3.sqlite_version, str)


def test_translated_texts_work_outside_a_request(tmp_path):
    """CLI commands format messages through gettext without a request."""
    from flask_babel import gettext

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40})
    with app.app_context():
        assert gettext("Log in") in ("Log in", "Anmelden")
