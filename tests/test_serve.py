"""``wellbeing serve`` as a city runs it: PostgreSQL, 4 workers, Redis (issue 12, done when).

The server is started as a separate process on a free port and a pupil takes
the whole survey over HTTP; then it is stopped gracefully. It must refuse to
start when several workers would each keep their own rate limits.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.http_pupil import SurveyPupil
from survey_app.extensions import db
from survey_app.models import AccessCode, Answer, Response
from survey_app.services.access_codes import code_hash
from tests.conftest import FILES, TEST_SECRET, make_app
from tests.databases import create_postgres_database, drop_postgres_database, require_backend
from tests.factories import small_city

WELLBEING = str(Path(sys.executable).with_name("wellbeing"))
REDIS = "redis://127.0.0.1:6379/12"
PROBE_AGENT = "PrivacyProbe/1.0 (Klasse-5a-Tablet)"
PROBE_ADDRESS = "203.0.113.77"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_or_skip():
    import redis

    try:
        server = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
        server.ping()
    except redis.RedisError as error:
        if os.environ.get("WELLBEING_REQUIRE_POSTGRES") == "1":  # CI starts Redis too
            pytest.fail(f"Redis at {REDIS} not reachable: {error}")
        pytest.skip(f"Redis at {REDIS} not reachable: {error}")
    return server


def server_env(tmp_path: Path, database_url: str, **extra) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("RATELIMIT_", "SURVEY_", "DATABASE_URL", "SECRET_KEY"))}
    env.update({"DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET,
                "WELLBEING_INSTANCE": str(tmp_path / "instance"),
                "QUESTIONNAIRE_DIRS": str(FILES)})
    env.update(extra)
    return env


def get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def worker_pids(master: int) -> list[int]:
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines()
                          if ":\t" in line)
        except OSError:
            continue
        if int(fields.get("PPid", "0").strip()) == master:
            children.append(int(status.parent.name))
    return children


@pytest.fixture
def postgres_database():
    require_backend("postgresql")
    url = create_postgres_database()
    yield url
    drop_postgres_database(url)


def test_four_workers_on_postgres_and_redis_take_a_pupil_through(postgres_database, tmp_path):
    redis_server = redis_or_skip()
    prefix = f"wb-test-serve-{uuid.uuid4().hex[:8]}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(tmp_path, postgres_database, RATELIMIT_STORAGE_URI=REDIS,
                     RATELIMIT_KEY_PREFIX=prefix, SURVEY_BASE_URL=base + "/")
    upgrade = subprocess.run([WELLBEING, "db", "upgrade"], env=env, capture_output=True,
                             text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    app = make_app(postgres_database, tmp_path / "instance")
    with app.app_context():
        city = small_city(codes=3)
        db.session.remove()
        db.engine.dispose()

    with open(tmp_path / "access.log", "w") as out, open(tmp_path / "server.log", "w") as err:
        server = subprocess.Popen([WELLBEING, "serve", "--workers", "4", "--port", str(port)],
                                  env=env, stdout=out, stderr=err, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, headers, body = get(base + "/healthz")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.3)
        assert status == 200, body
        assert json.loads(body)["migrations"] == "current"
        assert headers["Cache-Control"] == "no-store" and "Server" not in headers
        while len(worker_pids(server.pid)) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)  # workers boot one after another
        assert len(worker_pids(server.pid)) == 4

        record = SurveyPupil(base, city.codes[0], seed=7).take_survey()
        assert record.submitted and record.answers and len(record.saves) == 2

        # A worker that dies is replaced; HUP replaces every worker gracefully.
        first = set(worker_pids(server.pid))
        os.kill(min(first), signal.SIGKILL)
        os.kill(server.pid, signal.SIGHUP)
        while (set(worker_pids(server.pid)) & first or len(worker_pids(server.pid)) != 4) \
                and time.monotonic() < deadline + 60:
            time.sleep(0.2)
        assert not set(worker_pids(server.pid)) & first and len(worker_pids(server.pid)) == 4
        assert get(base + "/healthz")[0] == 200

        # A refused code is counted in Redis, under this installation's prefix.
        get(base + "/", headers={"User-Agent": PROBE_AGENT, "X-Forwarded-For": PROBE_ADDRESS})
        wrong = SurveyPupil(base, "ZZZZ-ZZZZ-ZZ", seed=1)
        with pytest.raises(Exception, match="refused: 200"):
            wrong.take_survey()
        assert redis_server.keys(f"*/{prefix}:*")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            returncode = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise
        for key in redis_server.scan_iter(f"*/{prefix}:*"):
            redis_server.delete(key)
        redis_server.close()
    assert returncode == 0, (tmp_path / "server.log").read_text()  # graceful stop

    with app.app_context():
        code = db.session.scalar(select(AccessCode).where(
            AccessCode.code_hash == code_hash(city.codes[0])))
        response = db.session.scalar(select(Response).where(Response.access_code_id == code.id))
        stored = {a.item_code: a.value for a in db.session.scalars(
            select(Answer).where(Answer.response_id == response.id))}
        assert response.status == "submitted" and code.state == "submitted"
        assert stored == record.answers
        db.session.remove()
        db.engine.dispose()

    access = (tmp_path / "access.log").read_text().splitlines()
    logged = [json.loads(line) for line in access]
    assert {"POST", "GET"} <= {entry["method"] for entry in logged}
    assert any(entry["path"] == "/survey/page/2" and entry["status"] == 303 for entry in logged)
    errors = [json.loads(line) for line in (tmp_path / "server.log").read_text().splitlines()]
    assert any("Booting worker" in entry["message"] for entry in errors)
    everything = "\n".join(access) + (tmp_path / "server.log").read_text()
    assert PROBE_AGENT not in everything and PROBE_ADDRESS not in everything
    assert "PrivacyProbe" not in everything and city.codes[0] not in everything


def test_workers_get_one_thread_on_sqlite_and_four_otherwise_unless_told():
    from survey_app.wsgi_server import default_threads

    assert default_threads("sqlite:////srv/wellbeing/survey.sqlite") == 1
    assert default_threads("postgresql+psycopg://survey@db/wellbeing") == 4
    assert default_threads("") == 4


def test_refuses_several_workers_with_in_memory_limits(tmp_path):
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'survey.sqlite'}",
                     RATELIMIT_STORAGE_URI="memory://", SURVEY_BASE_URL="https://survey.example/")
    port = free_port()
    result = subprocess.run([WELLBEING, "serve", "--workers", "3", "--port", str(port)],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "refusing to start" in result.stderr and "RATELIMIT_STORAGE_URI" in result.stderr
    with socket.socket() as probe:  # nothing listens
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_refuses_to_start_on_an_unmigrated_database(tmp_path):
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite'}",
                     RATELIMIT_STORAGE_URI=REDIS, SURVEY_BASE_URL="https://survey.example/")
    result = subprocess.run([WELLBEING, "serve", "--workers", "1", "--port", str(free_port())],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "wellbeing db upgrade" in result.stderr


def test_refuses_to_start_without_the_public_address(tmp_path):
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'survey.sqlite'}",
                     RATELIMIT_STORAGE_URI=REDIS)
    result = subprocess.run([WELLBEING, "serve", "--workers", "1", "--port", str(free_port())],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "SURVEY_BASE_URL" in result.stderr and "RATELIMIT_STORAGE_URI" not in result.stderr
