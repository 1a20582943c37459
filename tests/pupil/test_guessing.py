"""Guessing codes is slowed, valid codes always get in (issue 12, finding 3)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from survey_app.config import build_config
from survey_app.pupil.guessing import (
    POSSIBLE_CODES,
    expected_seconds_to_hit,
    max_guesses_per_second,
)
from tests.conftest import make_app
from tests.factories import small_city
from tests.forms import csrf_token
from tests.pupil.helpers import got_in

SCHOOL = "203.0.113.10"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


@pytest.fixture
def sqlite_app(sqlite_template, tmp_path):
    def build(**extra):
        path = tmp_path / f"guess{len(list(tmp_path.glob('guess*')))}.sqlite"
        shutil.copy(sqlite_template, path)
        return make_app(f"sqlite:///{path}", tmp_path / "instance", **extra)
    return build


def try_code(client, code: str, address: str):
    page = client.get("/", environ_base={"REMOTE_ADDR": address})
    return client.post("/", data={"csrf_token": csrf_token(page.text), "code": code},
                       environ_base={"REMOTE_ADDR": address})


def enter_until_admitted(client, code: str, address: str, tries: int = 4):
    """A pupil who presses the button again when asked to wait a few seconds."""
    for _ in range(tries):
        result = try_code(client, code, address)
        if result.status_code != 429:
            return result
        time.sleep(float(result.headers["Retry-After"]))
    return result


def test_sixty_wrong_codes_from_a_school_do_not_lock_out_its_pupils(sqlite_app):
    app = sqlite_app(RATELIMIT_CODE_ENTRY="20 per minute;600 per hour",
                     RATELIMIT_CODE_RETRY="1 per 1 second")
    with app.app_context():
        city = small_city(codes=5)
    statuses = [try_code(app.test_client(), "ZZZZ-ZZZZ-ZZ", SCHOOL).status_code
                for _ in range(60)]
    assert statuses[:20] == [200] * 20  # the budget: every try checked
    assert statuses.count(429) >= 35  # then slowed to one checked try per second
    for code in city.codes:  # the class behind the same address still gets in
        assert got_in(enter_until_admitted(app.test_client(), code, SCHOOL))


def test_wrong_codes_from_a_few_addresses_do_not_lock_out_the_city(sqlite_app):
    app = sqlite_app(RATELIMIT_CODE_ENTRY="1000 per minute", RATELIMIT_CODE_ENTRY_TOTAL="30/minute",
                     RATELIMIT_CODE_RETRY_TOTAL="2 per second")
    with app.app_context():
        city = small_city(codes=3)
    attackers = [f"192.0.2.{n}" for n in range(1, 4)]
    statuses = [try_code(app.test_client(), "ZZZZ-ZZZZ-ZZ", attackers[n % 3]).status_code
                for n in range(100)]
    assert statuses.count(429) >= 60
    for number, code in enumerate(city.codes):
        assert got_in(enter_until_admitted(app.test_client(), code, f"198.51.100.{number}"))


def test_guessing_a_code_takes_far_longer_than_a_wave_with_the_default_limits(tmp_path):
    config = build_config(str(tmp_path), {"SECRET_KEY": "k" * 40})
    rate = max_guesses_per_second(config)
    assert rate == pytest.approx(300 / 60 + 5)
    assert POSSIBLE_CODES == 31 ** 10 and POSSIBLE_CODES > 2 ** 49
    eight_weeks = 8 * 7 * 24 * 3600
    for valid in (10_000, 100_000):  # a city's wave; a large region's
        assert expected_seconds_to_hit(valid, rate) > 50 * eight_weeks
    years = expected_seconds_to_hit(100_000, rate) / (365.25 * 24 * 3600)
    assert f"{years:.0f} years" in DOCS.read_text(encoding="utf-8")


def test_valid_codes_get_in_while_the_rate_limit_store_is_down(sqlite_app, caplog):
    app = sqlite_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0")  # nothing listens there
    with app.app_context():
        city = small_city(codes=2)
    refused = try_code(app.test_client(), "ZZZZ-ZZZZ-ZZ", SCHOOL)
    assert refused.status_code == 200 and "Diesen Code kennen wir nicht" in refused.text
    assert got_in(try_code(app.test_client(), city.codes[0], SCHOOL))
    assert "rate-limit store unreachable" in caplog.text and SCHOOL not in caplog.text


def test_installations_sharing_one_redis_keep_their_counts_apart(sqlite_app):
    import redis

    url = "redis://127.0.0.1:6379/11"
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=1)
        server.flushdb()
    except redis.RedisError as error:
        pytest.skip(f"Redis not reachable: {error}")
    settings = {"RATELIMIT_STORAGE_URI": url, "RATELIMIT_CODE_ENTRY_TOTAL": "2 per minute",
                "RATELIMIT_CODE_RETRY_TOTAL": "1 per hour"}
    try:
        city_a = sqlite_app(RATELIMIT_KEY_PREFIX="stadt-a", **settings)
        with city_a.app_context():
            small_city(codes=1)
        statuses = [try_code(city_a.test_client(), "ZZZZ-ZZZZ-ZZ", f"192.0.2.{n}").status_code
                    for n in range(4)]
        assert statuses == [200, 200, 200, 429]  # budget of two, one slot, then wait
        city_b = sqlite_app(RATELIMIT_KEY_PREFIX="stadt-b", **settings)
        with city_b.app_context():
            small_city(codes=1)
        assert try_code(city_b.test_client(), "ZZZZ-ZZZZ-ZZ", "192.0.2.9").status_code == 200
    finally:
        server.flushdb()
        server.close()
