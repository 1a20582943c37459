"""Simulation with known truth: 95 % intervals of district means cover about 95 % of the time.

Model checked against the theory in R's ``survey`` (with-replacement PSU variance,
``confint(svymean(...), df=degf(...))``); no R fixture is needed because the truth is known.
"""
import numpy as np
import pandas as pd

from analysis.estimation import survey_means_by

N_CITIES, N_SCHOOLS, N_DISTRICTS, PUPILS = 400, 40, 6, 30
DISTRICT_MEANS = np.linspace(2.6, 3.6, N_DISTRICTS)


def _city(rng: np.random.Generator) -> pd.DataFrame:
    school = np.repeat(np.arange(N_SCHOOLS), PUPILS)
    # each school sits between three neighbouring districts (districts cut across schools)
    home = rng.integers(0, N_DISTRICTS, N_SCHOOLS)
    district = (home[school] + rng.choice(3, size=school.size, p=[0.5, 0.3, 0.2])) % N_DISTRICTS
    school_effect = rng.normal(0, 0.4, N_SCHOOLS)
    y = DISTRICT_MEANS[district] + school_effect[school] + rng.normal(0, 1.0, school.size)
    return pd.DataFrame({"school": school, "district": district, "score": y})


def test_district_intervals_cover_true_means():
    """Coverage of 2,400 intervals (400 cities x 6 districts) lies in [93 %, 97 %]."""
    rng = np.random.default_rng(20240502)
    hits, total = 0, 0
    for _ in range(N_CITIES):
        res = survey_means_by(_city(rng), "score")
        districts = res[res["group"] != "all"]
        truth = DISTRICT_MEANS[districts["group"].astype(int)]
        hits += int(((districts["ci_low"] <= truth) & (truth <= districts["ci_high"])).sum())
        total += len(districts)
    assert total == N_CITIES * N_DISTRICTS
    assert 0.93 <= hits / total <= 0.97, hits / total
