"""Targeting helpers: the weighted correlation against R, the direction rule, the marks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.comparability import measure_fingerprints
from analysis.questionnaire import load
from analysis.targeting import measure_directions, weighted_correlation, worse_than_city
from questionnaires import SHIPPED

# Frozen from R 4 (stats::cov.wt); the script is cov_wt_reference.R beside this file.
X = [3.1, 3.4, 2.8, 3.9, 3.3, 3.0, 3.6]
Y = [0.31, 0.22, 0.41, 0.08, 0.19, 0.35, 0.12]
W = [40, 85, 23, 120, 64, 31, 77]
R_COV_WT_COR = -0.964540571937307


def test_weighted_correlation_equals_r_cov_wt():
    assert math.isclose(weighted_correlation(X, Y, W), R_COV_WT_COR, rel_tol=1e-12)


def test_weighted_correlation_is_the_signed_root_of_the_wls_r_squared():
    fit = sm.WLS(np.array(Y), sm.add_constant(np.array(X)), weights=np.array(W)).fit()
    r = weighted_correlation(X, Y, W)
    assert math.isclose(r * r, fit.rsquared, rel_tol=1e-10)
    assert np.sign(r) == np.sign(fit.params[1])


def test_weighted_correlation_with_equal_weights_is_pearson():
    assert math.isclose(weighted_correlation(X, Y, [1] * 7), float(np.corrcoef(X, Y)[0, 1]),
                        rel_tol=1e-12)


def test_weighted_correlation_leaves_out_missing_pairs_and_needs_three():
    assert math.isclose(weighted_correlation(X + [np.nan], Y + [0.5], W + [50]), R_COV_WT_COR,
                        rel_tol=1e-12)
    assert math.isclose(weighted_correlation(X + [9.0], Y + [9.0], W + [0]), R_COV_WT_COR,
                        rel_tol=1e-12)
    assert math.isnan(weighted_correlation([1, 2, np.nan], [1, 2, 3], [1, 1, 1]))
    assert math.isnan(weighted_correlation([1, 1, 1], [1, 2, 3], [1, 1, 1]))
    with pytest.raises(ValueError):
        weighted_correlation([1, 2, 3], [1, 2], [1, 1, 1])


def test_weighted_correlation_does_not_overflow_with_values_as_large_as_a_float():
    """An indicator of 1.8e308 (issue 12) made the weighted sums overflow."""
    huge = [v * 1e307 for v in X]
    assert math.isclose(weighted_correlation(huge, Y, W), R_COV_WT_COR, rel_tol=1e-12)
    assert math.isclose(weighted_correlation(X, Y, [w * 1e306 for w in W]), R_COV_WT_COR,
                        rel_tol=1e-12)
    r = weighted_correlation([1.7976931348623157e308, 1, 2, 3], [1.0, 2.0, 3.0, 4.0], [1, 1, 1, 1])
    assert -1 <= r <= 1


def test_directions_follow_the_definition():
    questionnaire = load(SHIPPED)
    directions = measure_directions(questionnaire)
    for scale in questionnaire.scales:
        expected = 1 if scale.categories.labels[-1] == "high" else -1
        assert directions[scale.id] == expected, scale.id
    assert directions["worries"] == -1 and directions["self_esteem"] == 1
    assert directions["assets_index=high"] == 1 and directions["assets_index=low"] == -1
    assert directions["assets_index=medium"] == 0
    assert directions["life_satisfaction_category=high"] == 1
    assert directions["life_satisfaction_category=low"] == -1


def test_worse_than_city_marks_only_significant_unfavourable_differences():
    table = pd.DataFrame({
        "measure": ["life_satisfaction", "life_satisfaction", "sadness", "sadness",
                    "wellbeing_index=low", "wellbeing_index=medium", "life_satisfaction"],
        "diff_city": [-0.4, 0.4, 0.3, -0.3, 0.1, 0.2, None],
        "p_adjusted": [0.001, 0.001, 0.01, 0.01, 0.049, 0.0001, None],
        "suppressed": [False, False, False, False, False, False, True]})
    marks = worse_than_city(table, measure_directions(load(SHIPPED)))
    assert marks.tolist() == [True, False, True, False, True, False, False]
    table.loc[0, "p_adjusted"] = 0.05
    assert not worse_than_city(table, measure_directions(load(SHIPPED)))[0]


def test_fingerprints_change_with_the_scale_and_only_with_it():
    questionnaire = load(SHIPPED)
    before = measure_fingerprints(questionnaire)
    scale = questionnaire.scale("sadness")
    changed_scale = scale.model_copy(update={"categories": scale.categories.model_copy(
        update={"cuts": (2.0, 3.0)})})
    changed = questionnaire.model_copy(update={"scales": tuple(
        changed_scale if s.id == "sadness" else s for s in questionnaire.scales)})
    after = measure_fingerprints(changed)
    assert after["sadness"] != before["sadness"]
    assert after["wellbeing_index=thriving"] != before["wellbeing_index=thriving"]
    assert after["life_satisfaction"] == before["life_satisfaction"]
    assert after["assets_index=high"] == before["assets_index=high"]
