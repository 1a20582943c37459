"""Reliability checked against R's psych 2.2.9.

Reference values: ``results/psych_alpha_total.csv`` and
``results/psych_alpha_items.csv``, written by ``results/psych_reference.R``
(``psych::alpha`` with its defaults, ``psych::omega(x, nfactors = 1, fm =
"minres")$omega.tot``, and a converged principal-axis solution as the exact
minres fixed point) on the fixtures in ``files/`` (``files/make_fixtures.py``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.reliability import _core as core
from analysis.questionnaire import load
from analysis.reliability import cronbach_alpha, item_statistics, omega_total
from analysis.reliability import scale_reliability

HERE = Path(__file__).parent
TOTAL = pd.read_csv(HERE / "results" / "psych_alpha_total.csv")
ITEMS = pd.read_csv(HERE / "results" / "psych_alpha_items.csv")
ITEMS6 = pd.read_csv(HERE / "files" / "items6.csv")
SMALL = HERE.parents[1] / "questionnaire" / "files" / "small.yaml"

ALPHA_COLUMNS = {  # ours -> psych (alpha$total, alpha$feldt, raw_alpha -/+ qnorm(.975) * ase)
    "n": "n", "n_items": "n_items", "alpha": "raw_alpha", "alpha_std": "std_alpha",
    "average_r": "average_r", "alpha_se": "ase", "mean": "mean", "sd": "sd",
    "ci_low": "feldt_low", "ci_high": "feldt_high",
    "ci_low_duhachek": "duhachek_low", "ci_high_duhachek": "duhachek_high",
}
ITEM_COLUMNS = {  # ours -> psych (alpha$item.stats, alpha$alpha.drop)
    "n": "n", "mean": "mean", "sd": "sd", "r_total": "raw_r", "r_drop": "r_drop",
    "alpha_if_dropped": "alpha_drop", "alpha_std_if_dropped": "alpha_drop_std",
}
GROUPS = ["all", "de", "tr", "uk"]
#: psych's optim stops early (L-BFGS-B, factr 1e7); our minres is solved to machine precision.
PSYCH_OMEGA_RTOL = 1e-5
TIGHT_OMEGA_RTOL = 1e-9


def items6(group: str) -> pd.DataFrame:
    data = ITEMS6 if group == "all" else ITEMS6[ITEMS6["language"] == group]
    return data[[f"x{j}" for j in range(1, 7)]]


def reference(table: pd.DataFrame, dataset: str, scale: str, group: str) -> pd.DataFrame:
    return table[(table["dataset"] == dataset) & (table["scale"] == scale)
                 & (table["group"] == group)].reset_index(drop=True)


@pytest.mark.parametrize("group", GROUPS)
def test_alpha_matches_psych_alpha(group):
    """R: psych::alpha(x)$total, $feldt (pairwise covariances, the default)."""
    got = cronbach_alpha(items6(group))
    want = reference(TOTAL, "items6", "x", group).iloc[0]
    for ours, theirs in ALPHA_COLUMNS.items():
        np.testing.assert_allclose(got[ours], want[theirs], rtol=1e-6, err_msg=ours)


@pytest.mark.parametrize("group", GROUPS)
def test_item_statistics_match_psych_alpha(group):
    """R: psych::alpha(x)$item.stats (n, mean, sd, raw.r, r.drop) and $alpha.drop."""
    got = item_statistics(items6(group))
    want = reference(ITEMS, "items6", "x", group)
    assert list(got.index) == list(want["item"])
    for ours, theirs in ITEM_COLUMNS.items():
        np.testing.assert_allclose(got[ours], want[theirs], rtol=1e-6, err_msg=ours)


@pytest.mark.parametrize("group", GROUPS)
def test_omega_matches_psych_omega(group):
    """R: psych::omega(x, nfactors = 1, fm = "minres")$omega.tot, and the converged solution."""
    got = omega_total(items6(group))
    want = reference(TOTAL, "items6", "x", group).iloc[0]
    np.testing.assert_allclose(got, want["omega_tot"], rtol=PSYCH_OMEGA_RTOL)
    np.testing.assert_allclose(got, want["omega_tot_tight"], rtol=TIGHT_OMEGA_RTOL)


@pytest.mark.parametrize("group", GROUPS)
def test_minres_loadings_match_psych_fa(group):
    """R: psych::fa(cor(x, use = "pairwise"), 1, fm = "minres")$loadings; fm = "pa" converged."""
    x = items6(group).dropna(how="all").to_numpy(dtype=float)
    _, r, _ = core.pairwise_moments(x)
    got = core.minres_loadings(r)
    want = reference(ITEMS, "items6", "x", group)
    np.testing.assert_allclose(got, want["loading_minres"], atol=1e-4)
    np.testing.assert_allclose(got, want["loading_tight"], atol=1e-7)


def test_pairwise_moments_match_r():
    """R: cov(x, use = "pairwise") and cor(x, use = "pairwise") (checked via pandas, which
    implements the same pairwise-complete definitions)."""
    x = items6("all")
    cov, cor, n = core.pairwise_moments(x.to_numpy(dtype=float))
    np.testing.assert_allclose(cov, x.cov(), rtol=1e-12)
    np.testing.assert_allclose(cor, x.corr(), rtol=1e-12)
    np.testing.assert_array_equal(np.diag(n), x.notna().sum())


@pytest.fixture(scope="module")
def small_result():
    q = load(SMALL)
    responses = pd.read_csv(HERE / "files" / "small_responses.csv")
    return scale_reliability(responses, q, min_n=10)


@pytest.mark.parametrize("scale", ["life_satisfaction", "sadness"])
@pytest.mark.parametrize("group", ["all", "de", "en", "tr"])
def test_reliability_table_matches_psych(small_result, scale, group):
    """R: psych::alpha / psych::omega on the reverse-coded items, prefer-not-to-say as NA."""
    row = small_result.scales.query("scale == @scale and group == @group")
    assert len(row) == 1 and not row["suppressed"].item()
    want = reference(TOTAL, "small", scale, group).iloc[0]
    for ours, theirs in ALPHA_COLUMNS.items():
        np.testing.assert_allclose(row[ours].item(), want[theirs], rtol=1e-6, err_msg=ours)
    if scale == "sadness":  # two items: omega is not identified, psych's alpha.drop special case
        assert np.isnan(row["omega_total"].item())
    else:
        np.testing.assert_allclose(row["omega_total"].item(), want["omega_tot"], rtol=PSYCH_OMEGA_RTOL)
        np.testing.assert_allclose(row["omega_total"].item(), want["omega_tot_tight"],
                                   rtol=TIGHT_OMEGA_RTOL)
    items = small_result.items.query("scale == @scale and group == @group")
    want_items = reference(ITEMS, "small", scale, group)
    assert items["item"].tolist() == want_items["item"].tolist()
    for ours, theirs in ITEM_COLUMNS.items():
        np.testing.assert_allclose(items[ours], want_items[theirs], rtol=1e-6, err_msg=ours)
