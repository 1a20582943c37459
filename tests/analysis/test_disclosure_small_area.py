"""The small-area columns must not reveal a suppressed group (issue 11, section 1).

The attack: with an intercept-only Fay-Herriot model, a published row gives
``gamma_d = s2 / (s2 + psi_d)`` (so the random-effect variance ``s2``) and
``eblup_d = gamma_d y_d + (1 - gamma_d) beta`` (so ``beta``). If one hidden
area ``h`` entered the fit, the GLS equation ``sum_d w_d (y_d - beta) = 0`` and
the REML equation ``sum_d w_d^2 (y_d - beta)^2 = sum_d w_d - sum_d w_d^2 /
sum_d w_d`` (``w_d = 1 / (s2 + psi_d)``) hold over the published areas plus
``h``: two equations in ``w_h`` and ``y_h``, linear in ``w_h`` after
substitution, so ``y_h`` follows in closed form. The MSE's ``g3`` term,
``psi_d^2 w_d^3 * 2 / sum_d w_d^2``, gives ``sum_d w_d^2`` and hence ``w_h`` a
second way. Before the fix (model fitted before disclosure control, on every
area) this recovered hidden districts' direct means to ~1e-9; the positive
control below replays that order and must still win.
"""

import numpy as np
import pandas as pd
import pytest

from analysis.disclosure import apply_disclosure_control
from analysis.estimation import compare_to_city
from analysis.published import add_small_area_estimates
from analysis.pipeline import analyse, measures
from analysis.questionnaire import load
from analysis.scoring import score
from analysis.simulation import simulate_city
from questionnaires import SHIPPED


@pytest.fixture(scope="module")
def questionnaire():
    return load(SHIPPED)


def solve_hidden(published):
    """Closed-form candidates for the direct mean of one hidden area, per measure."""
    candidates = {}
    areas = published[published["sae_shrinkage"].notna() & published["estimate"].notna()]
    for measure, part in areas.groupby("measure"):
        gamma = part["sae_shrinkage"].to_numpy(float)
        y, psi = part["estimate"].to_numpy(float), part["se"].to_numpy(float) ** 2
        inner = (gamma > 1e-9) & (gamma < 1 - 1e-9)
        if not inner.any():
            continue  # boundary fit: nothing to solve from the shrinkage
        k = np.flatnonzero(inner)[0]
        s2 = gamma[k] * psi[k] / (1 - gamma[k])
        beta = (part["sae_estimate"].to_numpy(float)[k] - gamma[k] * y[k]) / (1 - gamma[k])
        w = 1 / (s2 + psi)
        a = -np.sum(w * (y - beta))  # = w_h (y_h - beta)
        b, s1, sq = np.sum(w**2 * (y - beta) ** 2), w.sum(), np.sum(w**2)
        found = []
        with np.errstate(divide="ignore", invalid="ignore"):
            w_reml = (s1**2 - sq - (a**2 + b) * s1) / (a**2 + b - 2 * s1)
            found.append(beta + a / w_reml)
            mse = part["sae_rmse"].to_numpy(float) ** 2
            for j in range(min(len(part), 3)):
                coeffs = _mse_polynomial(mse[j], gamma[j] * psi[j], gamma[j], 2 * psi[j] ** 2 * w[j] ** 3, s1, sq)
                for root in np.roots(coeffs):
                    if abs(root.imag) < 1e-9 and root.real > 0:
                        found.append(beta + a / root.real)
        candidates[measure] = [v for v in found if np.isfinite(v)]
    return candidates


def _mse_polynomial(mse, g1, gamma, g3_num, s1, sq):
    """Polynomial in w_h whose roots make ``mse = g1 + g2 + 2 g3`` hold.

    ``g2 = (1 - gamma)^2 / (s1 + w)``, ``g3 = g3_num / (sq + w^2)``:
    ``(mse - g1)(s1 + w)(sq + w^2) - (1 - gamma)^2 (sq + w^2) - 2 g3_num (s1 + w) = 0``.
    """
    c = mse - g1
    d = (1 - gamma) ** 2
    # expand c (s1 + w)(sq + w^2) = c (s1 sq + s1 w^2 + sq w + w^3)
    return [c, c * s1 - d, c * sq - 2 * g3_num, c * s1 * sq - d * sq - 2 * g3_num * s1]


def recovered(published, truth, by):
    """Hidden ``by`` groups whose direct mean one of the candidates equals (to 1e-6)."""
    hits = []
    candidates = solve_hidden(published[published["group_var"] == by])
    hidden = published["suppressed"] & (published["statistic"] == "mean") & (published["group_var"] == by)
    true = truth.set_index(["group", "measure"])["estimate"]
    for _, row in published[hidden].iterrows():
        value = true.get((row["group"], row["measure"]))
        if value is None or not np.isfinite(value):
            continue
        if any(abs(c - value) < 1e-6 for c in candidates.get(row["measure"], [])):
            hits.append((row["group"], row["measure"]))
    return hits


def city(questionnaire, seed, by="district", keep=4, pupils=900, districts=14):
    """A simulated city whose first ``by`` group keeps only ``keep`` pupils (from several schools)."""
    scored = score(simulate_city(questionnaire, pupils, districts=districts, schools=6, seed=seed).responses,
                   questionnaire)
    first = sorted(scored[by].dropna().unique(), key=str)[0]
    rows = scored[scored[by] == first].drop_duplicates("school")
    drop = scored.index[(scored[by] == first) & ~scored.index.isin(rows.index[:keep])]
    return scored.drop(index=drop).reset_index(drop=True)


CASES = [(seed, by, min_n) for seed in (1, 2, 5) for by in ("district", "school", "grade")
         for min_n in (10, 25, 60)]


@pytest.mark.parametrize("seed, by, min_n", CASES)
def test_no_hidden_group_is_solved_from_the_small_area_columns(questionnaire, seed, by, min_n):
    scored = city(questionnaire, seed, by)
    published = analyse(scored, questionnaire, by=by, min_n=min_n)
    means, _ = measures(questionnaire)
    truth = compare_to_city(scored, measures=means, by=by, cluster="school")
    assert recovered(published, truth, by) == []


def test_small_area_fit_uses_published_groups_only(questionnaire):
    scored = city(questionnaire, 1)
    published = analyse(scored, questionnaire, min_n=60)
    hidden = published[published["suppressed"]]
    assert len(hidden) and hidden["sae_estimate"].isna().all()
    # refitting the published district means alone gives the same small-area figures
    shown = published[~published["suppressed"]].drop(columns=["sae_estimate", "sae_rmse", "sae_shrinkage"])
    again = add_small_area_estimates(shown)
    pd.testing.assert_series_equal(again["sae_estimate"], published.loc[shown.index, "sae_estimate"])
    # changing a hidden district's answers changes no published figure
    sizes = scored["district"].value_counts()
    small = sizes.index[-1]  # the smallest district: hidden for every measure
    assert sizes.iloc[-1] < 60
    changed = scored.copy()
    rows = changed["district"] == small
    for m in measures(questionnaire)[0]:
        changed.loc[rows, m] = changed.loc[rows, m][::-1].to_numpy()
    other = analyse(changed, questionnaire, min_n=60)
    districts = published["group_var"].eq("district") & ~published["group"].eq("all") & ~published["suppressed"]
    cols = ["sae_estimate", "sae_rmse", "sae_shrinkage"]
    pd.testing.assert_frame_equal(published.loc[districts, cols], other.loc[districts, cols])


def test_published_p_values_are_adjusted_over_published_groups(questionnaire):
    published = analyse(city(questionnaire, 2), questionnaire, min_n=60)
    assert published["suppressed"].any()
    from analysis.estimation import adjust_pvalues

    for _, part in published[~published["suppressed"] & (published["group"] != "all")].groupby(
            ["measure", "statistic"]):
        np.testing.assert_allclose(part["p_adjusted"], adjust_pvalues(part["p_value"].to_numpy()))


def test_positive_control_the_old_order_is_solved(questionnaire):
    """Fitting before disclosure control (the old pipeline) leaks; the attack finds it."""
    wins = 0
    for seed, by, min_n in CASES:
        scored = city(questionnaire, seed, by)
        means, shares = measures(questionnaire)
        truth = compare_to_city(scored, measures=means, categories=shares, by=by, cluster="school")
        old = apply_disclosure_control(add_small_area_estimates(truth, by), min_n=min_n)
        wins += len(recovered(old, truth[truth["statistic"] == "mean"], by))
    assert wins >= 5  # 6 of the 10 measures where exactly one hidden group entered the old fit


def test_no_hidden_group_is_solved_when_several_groupings_are_published(questionnaire):
    scored = city(questionnaire, 2, "district")
    groupings = ["district", "school", "grade", "gender"]
    published = analyse(scored, questionnaire, by=groupings, min_n=10)
    means, _ = measures(questionnaire)
    for by in groupings:
        truth = compare_to_city(scored, measures=means, by=by, cluster="school")
        assert recovered(published, truth, by) == [], by


def test_no_comparison_with_a_hidden_total_is_published():
    """Found by attacking a region wave (issue 12): a shown group's estimate minus its
    difference from a hidden total gave the total back."""
    from analysis.published import withhold_comparisons

    nan = float("nan")
    table = pd.DataFrame({
        "wave": ["2026"] * 6 + ["2027"] * 3,
        "group_var": "district",
        "group": ["a", "b", "all", "a", "b", "all", "a", "b", "all"],
        "measure": ["x"] * 3 + ["c=low"] * 3 + ["x"] * 3,
        "statistic": ["mean"] * 3 + ["share"] * 3 + ["mean"] * 3,
        "estimate": [3.0, nan, nan, 0.2, 0.3, 0.25, 3.1, 3.2, 3.15],
        "diff_city": [0.2, nan, nan, -0.05, 0.05, nan, -0.05, 0.05, nan],
        "p_value": [0.04, nan, nan, 0.3, 0.3, nan, 0.5, 0.5, nan],
        "p_adjusted": [0.04, nan, nan, 0.6, 0.6, nan, 1.0, 1.0, nan],
        "suppressed": [False, True, True, False, False, False, False, False, False]})
    out = withhold_comparisons(table)
    # the hidden total of x in 2026: its shown group keeps its estimate, not its comparison
    assert out.loc[0, "estimate"] == 3.0
    assert out.loc[0, ["diff_city", "p_value", "p_adjusted"]].isna().all()
    # the shown totals (another measure, another wave) keep every comparison
    pd.testing.assert_frame_equal(out.iloc[3:], table.iloc[3:])
