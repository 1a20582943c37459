"""The production check that ``wellbeing serve`` runs (issue 12, findings 4 and 6)."""

from __future__ import annotations

import doctest

import pytest

from survey_app import production_checks
from survey_app.config import build_config
from survey_app.production_checks import problems

GOOD = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "SURVEY_BASE_URL": "https://umfrage.example.de/", "PROXY_COUNT": 1}


def test_a_good_production_configuration_passes():
    assert problems(GOOD, workers=4) == []
    assert doctest.testmod(production_checks).failed == 0


@pytest.mark.parametrize("storage", ["memory://", "memory://?x=1", "", None])
def test_several_workers_with_an_in_memory_store_are_refused(storage):
    found = problems({**GOOD, "RATELIMIT_STORAGE_URI": storage}, workers=4)
    assert len(found) == 1 and "RATELIMIT_STORAGE_URI" in found[0] and "redis://" in found[0]
    assert problems({**GOOD, "RATELIMIT_STORAGE_URI": storage}, workers=1) == []


@pytest.mark.parametrize("url", ["", "   ", None, "umfrage.example.de", "ftp://x.de/",
                                 "https://", "https://a:b@umfrage.example.de/",
                                 "https://umfrage.example.de/?code=1"])
def test_a_missing_or_unusable_survey_address_is_refused(url):
    found = problems({**GOOD, "SURVEY_BASE_URL": url}, workers=1)
    assert len(found) == 1 and "SURVEY_BASE_URL" in found[0]


def test_redis_url_sets_the_rate_limit_store(monkeypatch, tmp_path):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    config = build_config(str(tmp_path), {"SECRET_KEY": "k" * 40})
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/4")
    assert build_config(str(tmp_path), {"SECRET_KEY": "k" * 40})[
        "RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/4"
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    monkeypatch.delenv("REDIS_URL")
    defaults = build_config(str(tmp_path), {"SECRET_KEY": "k" * 40})
    assert defaults["RATELIMIT_STORAGE_URI"] == "memory://"
    assert len(problems(defaults, workers=2)) == 2  # in-memory store, no survey address
