"""Scoring, reliability and ``recode_items`` recode the answers in one place.

``analysis.scoring._recode.recode_scale_items`` is the one recoding pass of the scale
items (reverse coding, *prefer not to say* and answers to hidden items missing);
these tests hold the three users to it, so a rule changed there changes all
three, and none can keep a copy that drifts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from analysis.scoring._recode import recode_scale_items, scale_items
from analysis.questionnaire import load
from analysis.reliability import cronbach_alpha, scale_reliability
from analysis.scoring import recode_items, score
from analysis.simulation import simulate_city
from questionnaires import SHIPPED


@pytest.fixture(scope="module")
def shipped():
    q = load(SHIPPED)
    responses = simulate_city(q, 400, districts=2, schools=4, seed=11).responses
    # answers to the barrier items although the pupil wished for no activity (act_wish
    # 0): the items were hidden, so these answers count as missing everywhere
    hidden = (responses["act_wish"] == 0).fillna(False)
    assert hidden.sum() > 20
    responses.loc[hidden, ["bar_cost", "bar_far"]] = 1
    return q, responses, hidden.to_numpy()


def _mean_of_answered(block: np.ndarray, min_answered: int) -> np.ndarray:
    answered = (~np.isnan(block)).sum(axis=1)
    total = np.where(np.isnan(block), 0.0, block).sum(axis=1)
    return np.where(answered >= min_answered, total / np.maximum(answered, 1), np.nan)


def test_the_scale_items_each_once_in_scale_order(shipped):
    q, responses, _ = shipped
    codes = scale_items(q)
    assert len(codes) == len(set(codes))
    assert codes[:len(q.scales[0].items)] == list(q.scales[0].items)
    assert set(codes) == {c for s in q.scales for c in s.items}
    assert list(recode_scale_items(responses, q)) == codes


def test_recode_items_is_the_shared_recoding(shipped):
    q, responses, hidden = shipped
    recoded = recode_scale_items(responses, q)
    table = recode_items(responses, q)
    assert list(table.columns) == list(recoded)
    for code, values in recoded.items():
        assert_array_equal(table[code].to_numpy(), values)
    assert np.isnan(recoded["bar_cost"][hidden]).all()


def test_scores_are_means_of_the_shared_recoding(shipped):
    q, responses, hidden = shipped
    recoded = recode_scale_items(responses, q)
    scored = score(responses, q)
    for scale in q.scales:
        block = np.column_stack([recoded[c] for c in scale.items])
        expected = _mean_of_answered(block, scale.scoring.min_answered)
        assert_allclose(scored[scale.id].to_numpy(float), expected, rtol=1e-12, err_msg=scale.id)


def test_reliability_uses_the_shared_recoding(shipped):
    q, responses, _ = shipped
    recoded = pd.DataFrame(recode_scale_items(responses, q))
    result = scale_reliability(responses, q, by=None, min_n=10).scales.set_index("scale")
    checked = 0
    for scale in q.scales:
        try:
            alpha = cronbach_alpha(recoded[list(scale.items)])["alpha"]
        except ValueError:
            continue  # e.g. an item without variance: reliability explains it instead
        assert result.loc[scale.id, "alpha"] == pytest.approx(alpha, rel=1e-12)
        checked += 1
    assert checked >= 20
