"""Means and shares by district against R ``survey`` 4.1.1 (results/reference.R).

R functions: ``svydesign``, ``svyby(~y, ~district, design, svymean, na.rm=TRUE)``,
``svymean`` + ``confint(df=degf(subset(design, district == g)))``,
``svyciprop(method="beta")`` and ``svyciprop(method="logit")``,
``options(survey.lonely.psu=..., survey.adjust.domain.lonely=...)``.
"""
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.estimation import survey_design, survey_means_by, survey_shares_by

SHARES = {"wellbeing_index": ["thriving"], "bullied_often": ["yes"], "has_friend": ["yes"]}
MEANS = ["life_satisfaction", "self_esteem"]
COLS = ["estimate", "se", "df", "ci_low", "ci_high"]


def design_for(scenario: str, city: pd.DataFrame):
    if scenario == "unweighted":
        return survey_design(city, cluster="school", df_rule="r")
    if scenario == "weighted":
        return survey_design(city, cluster="school", weights="weight", df_rule="r")
    if scenario == "stratified":
        return survey_design(city, cluster="school", strata="muni", weights="weight",
                             df_rule="r")
    option = scenario.removeprefix("lonely_").removesuffix("_domain")
    return survey_design(city, cluster="school", strata="muni_lonely", weights="weight",
                         lonely_psu=option, df_rule="r")


def ours(design) -> pd.DataFrame:
    """Means, and shares with R's ``svyciprop(method="beta")`` interval (columns ci_low/ci_high)."""
    return pd.concat([survey_means_by(design, MEANS),
                      survey_shares_by(design, SHARES, ci_method="beta")])


def compare(mine: pd.DataFrame, ref: pd.DataFrame, logit: pd.DataFrame | None = None) -> int:
    merged = ref.merge(mine, on=["statistic", "group", "measure"], suffixes=("_r", ""),
                       validate="one_to_one")
    assert len(merged) == len(ref), "every R row has a Python row"
    # a group in one school (R df 0): R reports an SE of ~1e-17 (or only the calibration
    # residual) and no interval; its variance cannot be estimated, so we give no SE
    one_school = merged["df_r"] == 0
    assert merged.loc[one_school, ["se", "ci_low", "ci_high"]].isna().all().all()
    merged = merged[~one_school]
    finite = merged["ci_low_r"].notna() | (merged["statistic"] == "mean")
    for col in COLS:
        rows = merged[finite] if col.startswith("ci") else merged
        assert_allclose(rows[col], rows[col + "_r"], rtol=1e-6, atol=1e-12, err_msg=col)
    if logit is not None:
        m = logit.merge(ref, on=["statistic", "group", "measure"], suffixes=("", "_r"))
        inside = m[(m["estimate"] > 0) & (m["estimate"] < 1) & (m["df_r"] > 0)]
        for col in ("ci_low", "ci_high"):
            assert_allclose(inside[col], inside[col + "_logit"], rtol=1e-6, err_msg=col)
    return len(merged) + int(one_school.sum())


@pytest.mark.parametrize("scenario", ["unweighted", "weighted", "stratified"])
def test_means_and_shares_match_r(scenario, city, r_estimates):
    """R: svyby(..., svymean, na.rm=TRUE), confint(df=degf(subset)), svyciprop beta+logit."""
    design = design_for(scenario, city)
    logit = survey_shares_by(design, SHARES, ci_method="logit")
    n = compare(ours(design), r_estimates[r_estimates["scenario"] == scenario], logit)
    assert n == 11 * 5        # 10 districts + the city, 2 means + 3 shares


@pytest.mark.parametrize("option", ["adjust", "average", "certainty", "remove"])
def test_single_school_stratum_matches_r(option, city, r_estimates):
    """R: options(survey.lonely.psu=option) with a stratum holding one school (S24)."""
    design = design_for(f"lonely_{option}", city)
    compare(ours(design), r_estimates[r_estimates["scenario"] == f"lonely_{option}"])


@pytest.mark.parametrize("option", ["adjust", "average", "certainty", "remove"])
def test_domain_lonely_adjustment_matches_r(option, city, r_estimates):
    """R: options(survey.lonely.psu=option, survey.adjust.domain.lonely=TRUE)."""
    design = survey_design(city, cluster="school", strata="muni_lonely", weights="weight",
                           lonely_psu=option, adjust_domain_lonely=True, df_rule="r")
    compare(ours(design), r_estimates[r_estimates["scenario"] == f"lonely_{option}_domain"])


def test_lonely_fail_raises(city):
    """R: options(survey.lonely.psu="fail") stops with 'Stratum has only one PSU'."""
    with pytest.raises(ValueError, match="only one PSU"):
        survey_design(city, cluster="school", strata="muni_lonely", lonely_psu="fail")
