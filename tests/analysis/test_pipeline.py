"""The published estimates table: small-area columns beside direct ones, suppressed alike."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.published import SMALL_AREA_COLUMNS
from analysis.pipeline import analyse
from analysis.questionnaire import load
from analysis.scoring import score
from analysis.simulation import simulate_city
from questionnaires import SHIPPED


@pytest.fixture(scope="module")
def table():
    q = load(SHIPPED)
    city = simulate_city(q, 1500, districts=8, schools=12, seed=3)
    # A threshold near the districts' size: some groups are published, some hidden.
    return analyse(score(city.responses, q), q, min_n=120)


def test_district_means_get_a_fay_herriot_estimate_beside_the_direct_one(table):
    means = table[(table["statistic"] == "mean") & (table["group_var"] == "district")
                  & ~table["group"].isin(["all", "dont_know"]) & ~table["suppressed"]]
    usable = means[means["se"] > 0]
    assert len(usable) > 50
    assert usable["sae_estimate"].notna().all() and usable["estimate"].notna().all()
    assert ((usable["sae_shrinkage"] >= 0) & (usable["sae_shrinkage"] <= 1)).all()
    # The EBLUP lies between the direct estimate and the city mean's neighbourhood:
    # it never equals the direct estimate silently replaced.
    assert not np.allclose(usable["sae_estimate"], usable["estimate"])


def test_small_area_figures_are_suppressed_with_their_group(table):
    hidden = table[table["suppressed"]]
    assert len(hidden) > 0
    assert hidden[list(SMALL_AREA_COLUMNS) + ["estimate", "se"]].isna().all().all()
    city = table[table["group"] == "all"]
    assert city["sae_estimate"].isna().all()  # the city is not a small area
