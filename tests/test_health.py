"""``/healthz`` and private JSON logs of the production server (issue 12, production run)."""

from __future__ import annotations

import json
import logging

from flask_migrate import stamp, upgrade

from survey_app.extensions import db
from survey_app.logging_privacy import (MATCHED, UNMATCHED_PATH, JsonLines, access_entry,
                                        redact_addresses)
from tests.conftest import make_app


def test_unmigrated_database_is_unhealthy_then_healthy_at_head(app, client):
    # The test schema is made with create_all: no migration is recorded.
    page = client.get("/healthz")
    assert page.status_code == 503
    assert page.json["status"] == "unavailable" and page.json["migrations"] == "not applied"
    assert page.json["database"] == "reachable"
    assert page.headers["Cache-Control"] == "no-store"
    with app.app_context():
        stamp()
    page = client.get("/healthz")
    assert page.status_code == 200, page.json
    assert page.json["status"] == "ok" and page.json["migrations"] == "current"
    assert page.json["database_revision"] == page.json["code_revision"]
    assert "Set-Cookie" not in page.headers  # no session for monitoring probes


def test_database_behind_the_code_is_unhealthy(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'old.sqlite'}", tmp_path / "instance")
    with app.app_context():
        upgrade()
        db.session.execute(db.text("UPDATE alembic_version SET version_num = 'older_0001'"))
        db.session.commit()
    page = app.test_client().get("/healthz")
    assert page.status_code == 503
    assert page.json["migrations"] == "different"
    assert page.json["database_revision"] == ["older_0001"]


def test_unreachable_database_is_unhealthy_without_error_details(tmp_path):
    missing = tmp_path / "no" / "such" / "folder" / "db.sqlite"
    app = make_app(f"sqlite:///{missing}", tmp_path / "instance")
    page = app.test_client().get("/healthz")
    assert page.status_code == 503
    assert page.json["database"] == "unreachable"
    assert str(tmp_path) not in page.text


def _record(message: str, *args, **extra) -> logging.LogRecord:
    record = logging.LogRecord("gunicorn.error", logging.INFO, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_json_log_lines_hide_client_addresses_but_keep_times():
    line = JsonLines().format(_record("Invalid request from ip=%s at 12:30:45: %s",
                                      "203.0.113.77", "from [2001:db8::7]:443"))
    entry = json.loads(line)
    assert "203.0.113.77" not in line and "2001:db8::7" not in line
    assert entry["message"] == "Invalid request from ip=- at 12:30:45: from [-]:443"
    assert entry["level"] == "INFO" and entry["logger"] == "gunicorn.error"
    assert redact_addresses("Listening at: http://127.0.0.1:8000") \
        == "Listening at: http://127.0.0.1:8000"  # the server's own address stays


def test_access_entry_holds_no_client_detail():
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/survey/page/3", MATCHED: True,
               "QUERY_STRING": "token=secret", "REMOTE_ADDR": "203.0.113.77",
               "HTTP_USER_AGENT": "Tablet/1.0", "HTTP_X_FORWARDED_FOR": "198.51.100.3",
               "HTTP_REFERER": "https://example.org/x", "HTTP_COOKIE": "session=abc"}
    entry = access_entry(environ, "303 SEE OTHER", 0.0123, 219, 4711)
    assert entry == {"method": "POST", "path": "/survey/page/3", "status": 303,
                     "duration_ms": 12.3, "bytes": 219, "worker": 4711}
    line = JsonLines().format(_record("request", **entry))
    for secret in ("203.0.113.77", "Tablet", "198.51.100.3", "example.org", "abc", "token"):
        assert secret not in line


def test_a_path_that_is_no_page_is_not_logged(app):
    """Found by attacking the logs (issue 12): a code typed into the address bar
    (``/Z55B-U7HA-JJ``) was written to the access log."""
    seen = []
    inner = app.wsgi_app

    def keep_environ(environ, start_response):  # as gunicorn keeps it for its access log
        seen.append(environ)
        return inner(environ, start_response)

    app.wsgi_app = keep_environ
    client = app.test_client()
    assert client.get("/Z55B-U7HA-JJ").status_code == 404
    assert client.get("/").status_code == 200
    logged = [access_entry(environ, "200 OK", 0.01, 10, 1)["path"] for environ in seen]
    assert logged == [UNMATCHED_PATH, "/"]
