"""Fixtures of the pupil tests: a small city with an open wave, and a pupil."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import FILES
from tests.factories import small_city
from tests.pupil.helpers import Pupil

PUPIL_FILES = Path(__file__).parent / "files"


@pytest.fixture
def city(app):
    """The small city of ``tests/factories.py`` on ``small.yaml`` (every item type)."""
    with app.app_context():
        return small_city(codes=5)


@pytest.fixture
def branching_city(app):
    """A small city whose wave uses ``branching.yaml`` (required items, hidden pages)."""
    app.config["QUESTIONNAIRE_DIRS"] = os.pathsep.join([str(FILES), str(PUPIL_FILES)])
    with app.app_context():
        return small_city(codes=5, questionnaire_file=str(PUPIL_FILES / "branching.yaml"))


@pytest.fixture
def pupil(client):
    """A pupil with their own browser (cookie jar)."""
    return Pupil(client)
