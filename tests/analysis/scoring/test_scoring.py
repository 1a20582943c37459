"""Hand-computed scoring cases on ``small.yaml``.

No R function is involved: scale scores, categories, indices and assets are
defined by the questionnaire format itself, so every expected value below is
worked out by hand from the rules (shown in the comments).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.scoring import CATEGORY_ORDER, recode_items, score

NaN = np.nan
ITEMS = ["happy_1", "happy_2", "happy_3", "sad_1", "sad_2"]


def frame(rows):
    """Responses with the fixed columns and the given item answers."""
    answers = pd.DataFrame(rows, columns=ITEMS)
    n = len(answers)
    fixed = pd.DataFrame({
        "response_id": [f"r{i}" for i in range(n)], "wave": "2024", "school": "s1",
        "class": "5a", "district": "d1", "grade": 5, "gender": 1, "language": "de",
    })
    return pd.concat([fixed, answers], axis=1)


def test_scores_categories_index_and_asset(small):
    # happy_3 is reverse-coded on agree4 (1..4): y = 5 - x; 99 = prefer not to say.
    responses = frame([
        [4, 4, 1, 1, 1],            # life 4 high; sad 1 -> favourable "high"; thriving
        [2, 2, 3, 3, 3],            # life (2+2+2)/3 = 2 medium (cut 2 inclusive); sad 3 "low"; low
        [1, 99, NaN, 2, NaN],       # life: 1 answered < 2 -> NaN; sad 2 medium; 1 scored < 2
        [3, 3, "", 99, 99],         # life 3 high (cut 3 inclusive); sad all "rather not say"
        ["1", "2", "4", 2.0, 1],    # life (1+2+1)/3 low; sad 1.5 high; low wins over medium
        [3, 2, 2, 1, 2],            # life (3+2+3)/3 = 2.667 medium; sad 1.5 high; medium
        [4, NaN, 4, NaN, NaN],      # life (4+1)/2 = 2.5: exactly min_answered; sad NaN
    ])
    out = score(responses, small)
    np.testing.assert_array_equal(
        out["life_satisfaction"], [4.0, 2.0, NaN, 3.0, 4 / 3, 8 / 3, 2.5])
    np.testing.assert_array_equal(out["sadness"], [1.0, 3.0, 2.0, NaN, 1.5, 1.5, NaN])
    assert out["life_satisfaction_category"].tolist() == [
        "high", "medium", NaN, "high", "low", "medium", "medium"]
    assert out["sadness_category"].tolist() == ["high", "low", "medium", NaN, "high", "high", NaN]
    assert out["wellbeing_index"].tolist() == [
        "thriving", "low", NaN, NaN, "low", "medium", NaN]
    assert out["asset_life_satisfaction"].tolist() == [
        True, False, pd.NA, True, False, False, False]


def test_output_columns_and_types(small):
    responses = frame([[4, 4, 1, 1, 1]])
    out = score(responses, small)
    appended = ["life_satisfaction", "life_satisfaction_category", "sadness",
                "sadness_category", "wellbeing_index", "asset_life_satisfaction"]
    assert list(out.columns) == list(responses.columns) + appended
    pd.testing.assert_frame_equal(out[responses.columns], responses)
    cat = out["sadness_category"].dtype
    assert cat.ordered and list(cat.categories) == list(CATEGORY_ORDER)
    assert list(out["wellbeing_index"].cat.categories) == ["thriving", "low", "medium"]
    assert out["asset_life_satisfaction"].dtype == "boolean"


def test_keeps_the_index(small):
    responses = frame([[4, 4, 1, 1, 1], [1, 1, 4, 4, 4]]).set_axis([10, 3])
    out = score(responses, small)
    assert list(out.index) == [10, 3]
    assert out.loc[3, "life_satisfaction"] == 1.0


def test_cut_offs_are_lower_inclusive(variant):
    def cuts(d):
        d["scales"][1]["categories"]["cuts"] = [1.5, 3.5]
    q = variant(cuts)
    # sad mean of two items: 1.0, 1.5, 3.0, 3.5, 4.0 -> bins 0, 1, 1, 2, 2 -> high, medium, ..., low
    out = score(frame([[NaN] * 3 + [1, 1], [NaN] * 3 + [1, 2], [NaN] * 3 + [3, 3],
                       [NaN] * 3 + [3, 4], [NaN] * 3 + [4, 4]]), q)
    assert out["sadness_category"].tolist() == ["high", "medium", "medium", "low", "low"]


def test_min_answered_boundary(variant):
    def three(d):
        d["scales"][0]["scoring"]["min_answered"] = 3
    q = variant(three)
    out = score(frame([[4, 4, 1, NaN, NaN], [4, 4, 99, NaN, NaN]]), q)
    np.testing.assert_array_equal(out["life_satisfaction"], [4.0, NaN])


def test_reverse_coding_uses_the_answer_scale_range(variant):
    def yes_no_scale(d):
        d["scales"].append({
            "id": "belonging", "label": {"de": "Verein", "en": "Club"}, "domain": "environments",
            "items": ["club", "happy_1"], "scoring": {"min_answered": 1}, "range": [0, 4],
            "categories": {"cuts": [1.0], "labels": ["low", "high"], "rationale": "test"}})
        d["pages"][1]["items"][5]["reverse"] = True
    q = variant(yes_no_scale)
    # club on yes_no (values 1, 0): reversed y = 0 + 1 - x
    out = score(frame([[NaN] * 5] * 2).assign(club=[1, 0]), q)
    np.testing.assert_array_equal(out["belonging"], [0.0, 1.0])
    assert out["belonging_category"].tolist() == ["low", "high"]


def test_index_min_scored_and_no_matching_level(variant):
    def strict(d):
        index = d["indices"][0]
        index["min_scored"] = 1
        index["levels"] = [index["levels"][0], index["levels"][1]]  # no "otherwise"
    q = variant(strict)
    out = score(frame([
        [4, 4, 1, NaN, NaN],   # 1 scored (high): thriving needs 2 highs -> no; low needs a low -> none
        [1, 1, 4, NaN, NaN],   # 1 scored (low): low
        [4, 4, 1, 1, 1],       # thriving
        [3, 2, 2, 1, 2],       # medium + high: no level matches -> missing
    ]), q)
    assert out["wellbeing_index"].tolist() == [NaN, "low", "thriving", NaN]


def test_recode_items(small):
    out = recode_items(frame([[1, " 2 ", 1, 99, ""]]), small)
    assert list(out.columns) == ITEMS
    np.testing.assert_array_equal(out.iloc[0], [1.0, 2.0, 4.0, NaN, NaN])


@pytest.mark.parametrize("bad", [7, 0, 2.5, "x", "3a", np.inf])
def test_out_of_range_values_raise(small, bad):
    responses = frame([[4, 4, 1, 1, 1], [4, bad, 1, 1, 1]])
    with pytest.raises(ValueError, match=r"happy_2: 1 rows \(response_id r1: values"):
        score(responses, small)


def test_error_lists_every_bad_column(small):
    responses = frame([[5, 4, 1, 1, 1], [4, 4, 1, 1, -1], [4, 4, 1, 1, 9]])
    with pytest.raises(ValueError) as info:
        score(responses, small)
    message = str(info.value)
    assert "happy_1: 1 rows (response_id r0: values 5)" in message
    assert "sad_2: 2 rows (response_id r1, r2: values -1, 9)" in message
    assert "errors='coerce'" in message


def test_coerce_treats_bad_values_as_missing(small):
    out = score(frame([[4, 7, "x", 1, 2.5]]), small, errors="coerce")
    assert np.isnan(out.loc[0, "life_satisfaction"])  # only 1 valid answer < min_answered 2
    assert out.loc[0, "sadness"] == 1.0


def test_input_checks(small):
    responses = frame([[4, 4, 1, 1, 1]])
    with pytest.raises(ValueError, match="lack the item columns sad_2"):
        score(responses.drop(columns="sad_2"), small)
    with pytest.raises(ValueError, match="already have columns named like the scores"):
        score(score(responses, small), small)
    with pytest.raises(ValueError, match="errors must be"):
        score(responses, small, errors="ignore")
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        score(responses.to_dict(), small)
    with pytest.raises(ValueError, match="must be a Questionnaire"):
        score(responses, {"id": "x"})
    with pytest.raises(ValueError, match="no answer scale"):
        recode_items(responses, small, ["grade"])
    with pytest.raises(ValueError, match="not an item"):
        recode_items(responses.assign(nope=1), small, ["nope"])


def test_empty_responses(small):
    out = score(frame([]), small)
    assert len(out) == 0 and "wellbeing_index" in out.columns


def test_index_at_most_boundary(variant):
    def at_most_one(d):
        d["indices"][0]["levels"] = [
            {"id": "fine", "label": {"en": "Fine"}, "at_most": {"low": 1}},
            {"id": "struggling", "label": {"en": "Struggling"}}]
    q = variant(at_most_one)
    # lows among (life, sadness): 0, 1, 2 -> fine, fine, struggling
    out = score(frame([[4, 4, 1, 1, 1], [1, 1, 4, 1, 1], [1, 1, 4, 4, 4]]), q)
    assert out["wellbeing_index"].tolist() == ["fine", "fine", "struggling"]


def test_scores_the_shipped_instrument():
    """Every scale, index and asset of questionnaires/kinderwelten.yaml scores from valid answers."""
    from pathlib import Path

    from analysis.questionnaire import load

    q = load(Path(__file__).parents[3] / "questionnaires" / "kinderwelten.yaml")
    rng = np.random.default_rng(7)
    codes = list(dict.fromkeys(c for s in q.scales for c in s.items))
    responses = pd.DataFrame({
        c: rng.choice([*q.answer_scale(q.item(c).answer_scale).all_values, np.nan], size=500)
        for c in codes})
    out = score(responses, q)
    for s in q.scales:
        bins = np.searchsorted(s.categories.cuts, out[s.id].dropna(), side="right")
        expected = [s.categories.labels[b] for b in bins]
        assert out[f"{s.id}_category"].dropna().tolist() == expected
        assert out[s.id].dropna().between(*s.range).all()
    assert all(out[i.id].notna().any() for i in q.indices)
    assert all(out[a.id].dtype == "boolean" for a in q.assets)
