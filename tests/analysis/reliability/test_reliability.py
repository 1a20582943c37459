"""Behaviour of :func:`analysis.reliability.reliability` around the numbers.

The numbers themselves are checked against psych in ``test_reliability_psych.py``;
here: grouping, suppression of small groups, explanations and input checks.
Where a value is compared, the R function is named in the test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.questionnaire import load
from analysis.reliability import cronbach_alpha, item_statistics, omega_total
from analysis.reliability import scale_reliability
from analysis.scoring import recode_items

HERE = Path(__file__).parent
SMALL = HERE.parents[1] / "questionnaire" / "files" / "small.yaml"
RESPONSES = pd.read_csv(HERE / "files" / "small_responses.csv")


@pytest.fixture(scope="module")
def small():
    return load(SMALL)


def test_tables_shape(small):
    result = scale_reliability(RESPONSES, small)
    assert result.scales[["scale", "group"]].values.tolist() == [
        [s, g] for s in ["life_satisfaction", "sadness"] for g in ["all", "de", "en", "tr"]]
    assert result.scales["group_var"].tolist() == ["all", "language", "language", "language"] * 2
    assert len(result.items) == 4 * 3 + 4 * 2
    assert result.items.columns[:4].tolist() == ["scale", "group_var", "group", "item"]


def test_small_groups_are_suppressed(small):
    result = scale_reliability(RESPONSES, small, min_n=25)  # tr has 20 pupils
    tr = result.scales[result.scales["group"] == "tr"]
    assert tr["suppressed"].all() and tr[["n", "alpha", "omega_total"]].isna().all().all()
    assert tr["note"].str.contains("fewer than 25").all()
    tr_items = result.items[result.items["group"] == "tr"]
    assert tr_items["suppressed"].all() and tr_items[["n", "r_drop"]].isna().all().all()
    assert not result.scales.loc[result.scales["group"] != "tr", "suppressed"].any()


def test_by_none_and_missing_group_values(small):
    assert scale_reliability(RESPONSES, small, by=None).scales["group"].tolist() == ["all", "all"]
    responses = RESPONSES.assign(language=RESPONSES["language"].where(RESPONSES.index >= 40))
    scales = scale_reliability(responses, small).scales
    assert scales["group"].tolist()[:4] == ["all", "de", "en", "tr"]
    de_n = scales.loc[(scales["scale"] == "life_satisfaction") & (scales["group"] == "de"), "n"]
    assert de_n.item() < (RESPONSES["language"] == "de").sum()


def test_pupils_without_any_answer_do_not_count(small):
    """R: psych::alpha(x[rowSums(!is.na(x)) > 0, ]) (psych itself would count them in n)."""
    blank = RESPONSES.iloc[:5].assign(happy_1=np.nan, happy_2=99, happy_3=np.nan)
    both = scale_reliability(pd.concat([RESPONSES, blank], ignore_index=True), small, by=None)
    alone = scale_reliability(RESPONSES, small, by=None)
    pd.testing.assert_frame_equal(both.scales.iloc[:1], alone.scales.iloc[:1])


def test_item_without_variance_is_explained(small):
    responses = RESPONSES.assign(sad_2=np.where(RESPONSES["language"] == "en", 2, RESPONSES["sad_2"]))
    scales = scale_reliability(responses, small).scales.set_index(["scale", "group"])
    row = scales.loc[("sadness", "en")]
    assert np.isnan(row["alpha"]) and row["n"] == 49 and not row["suppressed"]
    assert "without variance" in row["note"] and "sad_2" in row["note"]
    assert not np.isnan(scales.loc[("sadness", "de"), "alpha"])


def test_heywood_case_is_flagged(small):
    """R: psych::omega(x, 1) reports 0.83 here, with an "ultra-Heywood case" warning from fa."""
    a, b = [1, 2, 3, 4, 4, 2, 3, 1, 2, 3], [2, 2, 3, 4, 3, 1, 3, 2, 2, 4]
    c = [1, 3, 2, 3, 4, 2, None, 1, 3, 2]
    assert round(omega_total(pd.DataFrame({"a": a, "b": b, "c": c})), 2) == 0.83
    responses = pd.DataFrame({"happy_1": a, "happy_2": b, "happy_3": [5 - v if v else v for v in c],
                              "sad_1": a, "sad_2": b[::-1], "language": "de"})
    row = scale_reliability(responses, small, by=None).scales.iloc[0]
    assert row["scale"] == "life_satisfaction" and round(row["omega_total"], 2) == 0.83
    assert "Heywood" in row["note"]


def test_items_answered_alike_with_inconsistent_pairwise_correlations():
    """Two items answered alike by every pupil who answered both correlate 1; with a
    third item whose pairwise correlations disagree, the correlation matrix is not
    positive definite and its inverse has a 0 on the diagonal. The squared multiple
    correlations start the factor fit: they are kept in [0, 1] (as psych::smc does)
    instead of warning of a division by zero and starting from -inf (found recomputing a
    wave after late answers)."""
    from analysis.reliability._core import smc

    a = [1, 2, 3, 4, 4, 2, 3, 1, None, None]
    b = [1, 2, 3, 4, 4, 2, 3, 1, 4, 1]
    c = [2, 2, 3, 4, 3, 1, 3, 2, 1, 4]
    items = pd.DataFrame({"a": a, "b": b, "c": c})
    r = items.corr().to_numpy()  # the inverse's last diagonal entry is 0 (to rounding)
    assert ((smc(r) >= 0) & (smc(r) <= 1)).all()
    assert 0 <= omega_total(items) <= 1


def test_input_checks(small):
    with pytest.raises(ValueError, match="min_n"):
        scale_reliability(RESPONSES, small, min_n=0)
    with pytest.raises(ValueError, match="no column 'school_type'"):
        scale_reliability(RESPONSES, small, by="school_type")
    with pytest.raises(ValueError, match="DataFrame"):
        scale_reliability(RESPONSES.to_numpy(), small)
    with pytest.raises(ValueError, match="outside the answer scale"):
        scale_reliability(RESPONSES.assign(happy_1=7), small)
    items = RESPONSES[["happy_1", "happy_2", "happy_3"]]
    with pytest.raises(ValueError, match="at least 2 items"):
        cronbach_alpha(items[["happy_1"]])
    with pytest.raises(ValueError, match="ci must be"):
        cronbach_alpha(items, ci=95)
    with pytest.raises(ValueError, match="answered together by 1 pupils"):
        item_statistics(items.iloc[:1])
    with pytest.raises(ValueError, match="at least 3 items"):
        omega_total(items[["happy_1", "happy_2"]])
    with pytest.raises(ValueError, match="must hold numbers"):
        cronbach_alpha(items.assign(happy_1="x"))


def test_scale_figures_are_those_of_the_single_functions(small):
    """The shared preparation in scale_reliability gives cronbach_alpha's and omega_total's
    figures exactly; without the item table the scales table is the same."""
    responses = RESPONSES.assign(sad_2=np.where(RESPONSES["language"] == "en", 2, RESPONSES["sad_2"]))
    full = scale_reliability(responses, small)
    lean = scale_reliability(responses, small, item_table=False)
    pd.testing.assert_frame_equal(lean.scales, full.scales)
    assert lean.items.empty and lean.items.columns.tolist() == full.items.columns.tolist()
    de = responses[responses["language"] == "de"]
    items = recode_items(de, small, ["happy_1", "happy_2", "happy_3"])  # happy_3 reversed
    row = full.scales.set_index(["scale", "group"]).loc[("life_satisfaction", "de")]
    alpha = cronbach_alpha(items)
    assert row["alpha"] == alpha["alpha"] and row["ci_low"] == alpha["ci_low"]
    assert row["omega_total"] == omega_total(items)


def test_one_language_gets_the_figures_of_all(small):
    """Everyone answered in one language: that group's figures are those of "all"."""
    scales = scale_reliability(RESPONSES.assign(language="de"), small).scales
    numbers = scales.drop(columns=["group_var", "group"])
    pd.testing.assert_frame_equal(numbers.iloc[::2].reset_index(drop=True),
                                  numbers.iloc[1::2].reset_index(drop=True))
    assert scales["group"].tolist() == ["all", "de"] * 2
