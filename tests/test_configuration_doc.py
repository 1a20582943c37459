"""docs/configuration.md lists every setting the app reads (issue 12, finding 6)."""

from __future__ import annotations

from pathlib import Path

from survey_app.config import build_config

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
#: Set by the app itself, not by a city.
INTERNAL = {"SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "SESSION_COOKIE_HTTPONLY",
            "SESSION_COOKIE_SAMESITE", "WTF_CSRF_TIME_LIMIT", "MAX_CONTENT_LENGTH"}
#: Read from the environment elsewhere than build_config's result.
ALSO_READ = {"DATABASE_URL", "WELLBEING_INSTANCE", "REDIS_URL"}


def test_every_setting_is_in_the_configuration_reference(tmp_path):
    text = DOC.read_text(encoding="utf-8")
    settings = (set(build_config(str(tmp_path), {})) - INTERNAL) | ALSO_READ
    missing = sorted(name for name in settings if f"`{name}`" not in text)
    assert missing == []
    assert "`HELPLINE_TEXT`" in text and "`SURVEY_BASE_URL`" in text
