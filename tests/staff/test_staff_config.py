"""Staff session and login-limit settings come from the environment, validated (issue 4)."""

from __future__ import annotations

import pytest

from survey_app import create_app
from survey_app.config import STAFF_DEFAULTS, ConfigError

KEYS = tuple(STAFF_DEFAULTS)


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "MIN_GROUP_SIZE", *KEYS):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def make(tmp_path):
    return create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40})


def test_safe_defaults(clean_env, tmp_path):
    config = make(tmp_path).config
    assert config["STAFF_IDLE_MINUTES"] == 30
    assert config["STAFF_SESSION_HOURS"] == 10
    assert config["STAFF_LOGIN_LIMIT"] == "10 per minute;50 per hour"
    assert config["STAFF_ACCOUNT_LOGIN_LIMIT"] == "20 per hour"


def test_environment_wins(clean_env, tmp_path):
    clean_env.setenv("STAFF_IDLE_MINUTES", "15")
    clean_env.setenv("STAFF_SESSION_HOURS", "8")
    clean_env.setenv("STAFF_LOGIN_LIMIT", "5 per minute")
    clean_env.setenv("STAFF_ACCOUNT_LOGIN_LIMIT", "10 per hour;30 per day")
    config = make(tmp_path).config
    assert (config["STAFF_IDLE_MINUTES"], config["STAFF_SESSION_HOURS"]) == (15, 8)
    assert config["STAFF_LOGIN_LIMIT"] == "5 per minute"
    assert config["STAFF_ACCOUNT_LOGIN_LIMIT"] == "10 per hour;30 per day"


@pytest.mark.parametrize("name,value", [
    ("STAFF_IDLE_MINUTES", "zehn"), ("STAFF_IDLE_MINUTES", "0"), ("STAFF_IDLE_MINUTES", "-5"),
    ("STAFF_IDLE_MINUTES", "2.5"), ("STAFF_IDLE_MINUTES", "1441"),
    ("STAFF_SESSION_HOURS", "0"), ("STAFF_SESSION_HOURS", "169"), ("STAFF_SESSION_HOURS", ""),
    ("STAFF_LOGIN_LIMIT", "viele"), ("STAFF_LOGIN_LIMIT", ""),
    ("STAFF_ACCOUNT_LOGIN_LIMIT", "20 per fortnight"),
])
def test_bad_values_are_refused_with_a_message(clean_env, tmp_path, name, value):
    clean_env.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        make(tmp_path)


def test_overrides_are_validated_too(clean_env, tmp_path):
    with pytest.raises(ConfigError, match="STAFF_IDLE_MINUTES"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40,
                    "STAFF_IDLE_MINUTES": "nie"})
