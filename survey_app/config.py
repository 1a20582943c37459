"""Configuration from environment variables with safe defaults (design §2).

Precedence: built-in defaults < environment variables < the mapping passed to
``create_app`` (tests). Nothing secret has a fixed default: without
``SECRET_KEY`` a random key is generated once and kept in the instance folder,
so sessions survive a restart but no two installations share a key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

SECRET_KEY_FILE = "secret_key"
#: The key of the access codes' keyed hash (HMAC), kept outside the database.
ACCESS_CODE_KEY_FILE = "access_code_key"


class ConfigError(ValueError):
    """A configuration value is unusable; the message says which and why."""


def database_url(raw: str | None, instance_path: str) -> str:
    """Return a SQLAlchemy URL; default is a SQLite file in the instance folder.

    ``postgres://`` and ``postgresql://`` are mapped to the psycopg 3 driver,
    which is the one the toolkit installs.
    """
    if not raw:
        return "sqlite:///" + str(Path(instance_path) / "wellbeing.sqlite")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def instance_secret_key(instance_path: str, filename: str = SECRET_KEY_FILE) -> str:
    """Read an instance's secret key file, creating it (mode 0600) on first use."""
    path = Path(instance_path) / filename
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) < 32:
            raise ConfigError(f"{path} holds a secret key shorter than 32 characters")
        return key
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def _positive_int(name: str, raw: str | int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


def _limit_string(name: str, raw: Any) -> str:
    """A rate limit in the ``limits`` notation (``"10 per minute;50 per hour"``)."""
    from limits import parse_many

    try:
        if not str(raw).strip():
            raise ValueError("empty")
        parse_many(str(raw))
    except ValueError:
        raise ConfigError(f"{name} must be a rate limit such as '10 per minute;50 per hour', "
                          f"got {raw!r}") from None
    return str(raw)


def _proxy_count(raw: str | int) -> int:
    """How many reverse proxies stand in front of the app (0 to 5)."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"PROXY_COUNT must be a whole number, got {raw!r}") from None
    if not 0 <= value <= 5:
        raise ConfigError(f"PROXY_COUNT must be between 0 and 5, got {value}")
    return value


def _bounded_int(name: str, raw: str | int, maximum: int) -> int:
    value = _positive_int(name, raw)
    if value > maximum:
        raise ConfigError(f"{name} may be at most {maximum}, got {value}")
    return value


#: Staff sessions and login limits: (key, default). Idle timeout in minutes (at most a
#: day), absolute session length in hours (at most a week), failed logins per client
#: address and per account tried; once spent, one try per slot (``*_RETRY``).
STAFF_DEFAULTS = {
    "STAFF_IDLE_MINUTES": 30,
    "STAFF_SESSION_HOURS": 10,
    "STAFF_LOGIN_LIMIT": "10 per minute;50 per hour",
    "STAFF_ACCOUNT_LOGIN_LIMIT": "20 per hour",
    "STAFF_LOGIN_RETRY": "1 per 30 seconds",
    "STAFF_ACCOUNT_LOGIN_RETRY": "1 per 30 seconds",
}

#: Settings in the ``limits`` notation, checked by :func:`build_config`.
LIMIT_SETTINGS = ("STAFF_LOGIN_LIMIT", "STAFF_ACCOUNT_LOGIN_LIMIT", "STAFF_LOGIN_RETRY",
                  "STAFF_ACCOUNT_LOGIN_RETRY", "RATELIMIT_CODE_ENTRY",
                  "RATELIMIT_CODE_ENTRY_TOTAL", "RATELIMIT_CODE_RETRY",
                  "RATELIMIT_CODE_RETRY_TOTAL")


def build_config(instance_path: str, overrides: Mapping[str, Any] | None = None) -> dict:
    """Collect the app configuration from defaults, environment and overrides."""
    env = os.environ
    overrides = dict(overrides or {})
    config: dict[str, Any] = {
        "MIN_GROUP_SIZE": env.get("MIN_GROUP_SIZE", 10),
        # Rate-limit counters; in production Redis, shared by every worker (REDIS_URL
        # is used when RATELIMIT_STORAGE_URI is unset).
        "RATELIMIT_STORAGE_URI": (env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL")
                                  or "memory://"),
        # Refused pupil codes per client address (a school's pupils often share one
        # address) and for all clients together; valid codes never count.
        "RATELIMIT_CODE_ENTRY": env.get("RATELIMIT_CODE_ENTRY", "60 per minute;600 per hour"),
        "RATELIMIT_CODE_ENTRY_TOTAL": env.get("RATELIMIT_CODE_ENTRY_TOTAL", "300 per minute"),
        # Once a budget above is spent, one try per slot is checked (per client, and
        # city-wide): guessing is slowed, a valid code still gets in (docs/security.md).
        "RATELIMIT_CODE_RETRY": env.get("RATELIMIT_CODE_RETRY", "1 per 2 seconds"),
        "RATELIMIT_CODE_RETRY_TOTAL": env.get("RATELIMIT_CODE_RETRY_TOTAL", "5 per second"),
        # Help text on the pupil's thank-you page; empty: the questionnaire's end_help,
        # else a built-in text naming Germany's children's helpline (116 111).
        "HELPLINE_TEXT": env.get("HELPLINE_TEXT", ""),
        "SURVEY_BASE_URL": env.get("SURVEY_BASE_URL", ""),
        # Folders with the city's own questionnaire definitions (colon-separated).
        "QUESTIONNAIRE_DIRS": env.get("QUESTIONNAIRE_DIRS", ""),
        # Prefix of the rate-limit keys, so that several installations can share a Redis.
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "wellbeing"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "0") == "1",
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed.
        "PROXY_COUNT": env.get("PROXY_COUNT", 0),
        "WTF_CSRF_TIME_LIMIT": None,  # a pupil may stay on one page for long
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    }
    config.update({key: env.get(key, default) for key, default in STAFF_DEFAULTS.items()})
    config.update(overrides)
    if "SQLALCHEMY_DATABASE_URI" not in overrides:
        config["SQLALCHEMY_DATABASE_URI"] = database_url(
            overrides.get("DATABASE_URL", env.get("DATABASE_URL")), instance_path
        )
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = env.get("SECRET_KEY") or instance_secret_key(instance_path)
    if not config.get("ACCESS_CODE_KEY"):
        config["ACCESS_CODE_KEY"] = (env.get("ACCESS_CODE_KEY")
                                     or instance_secret_key(instance_path, ACCESS_CODE_KEY_FILE))
    if len(str(config["ACCESS_CODE_KEY"])) < 32:
        raise ConfigError("ACCESS_CODE_KEY must have at least 32 characters")
    config["MIN_GROUP_SIZE"] = _positive_int("MIN_GROUP_SIZE", config["MIN_GROUP_SIZE"])
    config["PROXY_COUNT"] = _proxy_count(config["PROXY_COUNT"])
    config["STAFF_IDLE_MINUTES"] = _bounded_int("STAFF_IDLE_MINUTES",
                                                config["STAFF_IDLE_MINUTES"], 24 * 60)
    config["STAFF_SESSION_HOURS"] = _bounded_int("STAFF_SESSION_HOURS",
                                                 config["STAFF_SESSION_HOURS"], 7 * 24)
    for key in LIMIT_SETTINGS:
        config[key] = _limit_string(key, config[key])
    return config
