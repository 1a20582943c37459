"""Tests of analysis.small_area (Fay-Herriot, REML).

References: sigma_v^2, beta, EBLUP and MSE (g1 + g2 + 2 g3) are checked
against samplics 0.6.1 ``EblupAreaModel(method=REML)`` to a relative 1e-4;
the frozen values and the script that produced them are in
``results/small_area/`` (samplics is not needed to run these tests). The
out-of-sample MSE, boundary and benchmarking properties are checked against
the formulas of Rao & Molina (2015, ch. 6) computed by hand here.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.small_area import fay_herriot

RESULTS = Path(__file__).parent / "results" / "small_area"
CASES = {"poverty": ["poverty"], "intercept": [], "boundary": ["poverty"]}


def load(case):
    return (pd.read_csv(RESULTS / f"fh_{case}_input.csv"),
            pd.read_csv(RESULTS / f"fh_{case}_samplics.csv"))


@pytest.mark.parametrize("case", CASES)
def test_matches_samplics_reml(case):
    data, ref = load(case)
    fit = fay_herriot(data, covariates=CASES[case])
    assert_allclose(fit.sigma2_v, ref["sigma2_v"][0], rtol=1e-4, atol=1e-12)
    betas = ref.filter(like="beta").iloc[0].to_numpy()
    assert_allclose(fit.beta.to_numpy(), betas, rtol=1e-4)
    assert_allclose(fit.table["eblup"], ref["eblup"], rtol=1e-4)
    assert_allclose(fit.table["mse"], ref["mse"], rtol=1e-4)
    assert (fit.table["area"] == ref["area"]).all()
    # the direct estimate stays beside the model estimate
    assert_allclose(fit.table["direct"], data["estimate"])
    assert_allclose(fit.table["direct_se"], data["se"])


def test_boundary_sigma_zero_gives_synthetic_estimates():
    data, _ = load("boundary")
    fit = fay_herriot(data, covariates=["poverty"])
    t = fit.table
    assert fit.sigma2_v == 0.0
    assert (t["gamma"] == 0).all()
    assert_allclose(t["eblup"], t["synthetic"])
    assert (t["g1"] == 0).all()
    # g3 at the boundary: psi_d^-1 * 2 / sum(psi^-2) (Rao & Molina eq. 6.2.32 with sigma_v^2 = 0)
    psi = data["se"].to_numpy() ** 2
    assert_allclose(t["g3"], 2 / psi / np.sum(psi**-2.0), rtol=1e-12)


def test_area_without_sample_gets_synthetic_estimate_and_its_mse():
    data, _ = load("poverty")
    full = fay_herriot(data, covariates=["poverty"])
    data.loc[3, ["estimate", "se"]] = np.nan
    fit = fay_herriot(data, covariates=["poverty"])
    row = fit.table.iloc[3]
    assert not row["in_sample"] and np.isnan(row["direct"]) and np.isnan(row["gamma"])
    x = np.array([1.0, data.loc[3, "poverty"]])
    assert_allclose(row["eblup"], x @ fit.beta.to_numpy(), rtol=1e-12)
    # MSE(x' beta) = sigma_v^2 + x'(X'V^-1X)^-1 x (Rao & Molina 2015, sec. 6.2.3)
    assert_allclose(row["mse"], fit.sigma2_v + x @ fit.beta_cov.to_numpy() @ x, rtol=1e-12)
    # the fit uses only the sampled areas: same as fitting without that row
    alone = fay_herriot(data.drop(index=3), covariates=["poverty"])
    assert_allclose(fit.sigma2_v, alone.sigma2_v, rtol=1e-10)
    assert fit.sigma2_v != full.sigma2_v


@pytest.mark.parametrize("method", ["ratio", "difference"])
def test_benchmarked_eblups_add_up_to_the_city(method):
    data, _ = load("poverty")
    data.loc[0, ["estimate", "se"]] = np.nan  # an unsampled district is benchmarked too
    city = 3.31
    fit = fay_herriot(data, covariates=["poverty"], benchmark=city,
                      benchmark_weights="pupils", benchmark_method=method)
    w = data["pupils"] / data["pupils"].sum()
    assert_allclose(w @ fit.table["eblup_benchmarked"], city, rtol=1e-12)
    shift = fit.table["eblup_benchmarked"] - fit.table["eblup"]
    ratio = fit.table["eblup_benchmarked"] / fit.table["eblup"]
    if method == "difference":
        assert_allclose(shift, shift[0], rtol=1e-10)
    else:
        assert_allclose(ratio, ratio[0], rtol=1e-12)


def test_shrinkage_between_direct_and_synthetic():
    data, _ = load("intercept")
    t = fay_herriot(data).table
    gamma = fay_herriot(data).sigma2_v / (fay_herriot(data).sigma2_v + data["se"] ** 2)
    assert_allclose(t["gamma"], gamma, rtol=1e-12)
    assert ((t["gamma"] > 0) & (t["gamma"] < 1)).all()
    lo, hi = np.minimum(t["direct"], t["synthetic"]), np.maximum(t["direct"], t["synthetic"])
    assert ((t["eblup"] >= lo - 1e-12) & (t["eblup"] <= hi + 1e-12)).all()
    # the noisiest districts are shrunk most
    assert t.loc[data["se"].idxmax(), "gamma"] == t["gamma"].min()


@pytest.mark.parametrize("change, message", [
    (lambda d: d.assign(se=d["se"].where(d.index != 2, 0.0)), "standard error must be positive"),
    (lambda d: d.assign(poverty=d["poverty"].where(d.index != 2)), "covariates must be complete"),
    (lambda d: d.head(2), "need more areas"),
    (lambda d: pd.concat([d, d.head(1)]), "unique"),
    (lambda d: d.drop(columns="se"), "columns not in data"),
    (lambda d: d.assign(p2=2 * d["poverty"]), "collinear"),
])
def test_bad_input_raises(change, message):
    data, _ = load("poverty")
    covariates = ["poverty", "p2"] if message == "collinear" else ["poverty"]
    with pytest.raises(ValueError, match=message):
        fay_herriot(change(data), covariates=covariates)


def test_bad_benchmark_arguments_raise():
    data, _ = load("poverty")
    with pytest.raises(ValueError, match="both"):
        fay_herriot(data, benchmark=3.0)
    with pytest.raises(ValueError, match="benchmark_method"):
        fay_herriot(data, benchmark=3.0, benchmark_weights="pupils", benchmark_method="raking")
    with pytest.raises(ValueError, match="non-negative"):
        fay_herriot(data.assign(pupils=-1), benchmark=3.0, benchmark_weights="pupils")


def test_reml_converges_where_fisher_scoring_oscillates():
    # by grade in a simulated city: plain Fisher scoring jumps between ~0 and ~0.003
    data = pd.DataFrame({
        "group": list("abcdef"),
        "estimate": [3.38487903, 3.46902834, 3.60687732, 3.41431624, 3.47862319, 3.45045045],
        "se": np.sqrt([0.01580516, 0.01548364, 0.00541853, 0.01675762, 0.02124878, 0.01796061])})
    fit = fay_herriot(data)
    psi = data["se"].to_numpy() ** 2
    w = 1 / (fit.sigma2_v + psi)
    resid = data["estimate"].to_numpy() - fit.beta["const"]
    # the REML score is 0 at the estimate (an interior root)
    assert fit.sigma2_v > 0
    score = -0.5 * (w.sum() - (w**2).sum() / w.sum()) + 0.5 * np.sum(w**2 * resid**2)
    assert abs(score) < 1e-6 * w.sum()
