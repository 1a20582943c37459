"""Fixtures for the scoring tests: the small example definition and variants of it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from analysis.questionnaire import Questionnaire, load

SMALL = Path(__file__).parents[2] / "questionnaire" / "files" / "small.yaml"


@pytest.fixture(scope="session")
def small_dict() -> dict:
    """The parsed YAML of ``small.yaml`` (copy before changing it)."""
    return yaml.safe_load(SMALL.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def small() -> Questionnaire:
    """The small example questionnaire, through the loader."""
    return load(SMALL)


@pytest.fixture
def variant(small_dict):
    """Build a variant of the small definition: ``variant(lambda d: ...)``."""

    def build(change) -> Questionnaire:
        data = copy.deepcopy(small_dict)
        change(data)
        return Questionnaire.model_validate(data)

    return build
