"""Fixtures for the estimation tests: the committed fixture city and R's reference values."""
from pathlib import Path

import pandas as pd
import pytest

RESULTS = Path(__file__).parent / "results"


@pytest.fixture(scope="session")
def city() -> pd.DataFrame:
    """1,405 pupils in 24 schools, 10 districts (made by results/make_fixtures.py)."""
    return pd.read_csv(RESULTS / "city.csv")


@pytest.fixture(scope="session")
def enrolment() -> pd.DataFrame:
    """Population counts per school x grade x gender (column ``Freq``)."""
    return pd.read_csv(RESULTS / "enrolment.csv")


@pytest.fixture(scope="session")
def r_estimates() -> pd.DataFrame:
    """Output of results/reference.R (R survey 4.1.1)."""
    return pd.read_csv(RESULTS / "reference_estimates.csv")


@pytest.fixture(scope="session")
def r_contrasts() -> pd.DataFrame:
    return pd.read_csv(RESULTS / "reference_contrasts.csv")
