"""Post-stratified and raked designs against R ``survey`` 4.1.1 (results/reference.R).

R functions: ``postStratify(design, ~cell, population)``,
``rake(design, list(~school, ~grade_gender), ..., control=list(maxit=200, epsilon=1e-13))``,
then ``svymean``/``svyciprop`` on the calibrated designs (variance with the
calibration residuals of ``survey:::svyrecvar``).
"""
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.estimation import check_cells, post_stratify, rake, survey_design

from .conftest import RESULTS
from .test_estimates_vs_r import compare, ours


@pytest.fixture(scope="module")
def stratified(city):
    return survey_design(city, cluster="school", strata="muni", weights="weight", df_rule="r")


@pytest.fixture(scope="module")
def r_weights():
    return pd.read_csv(RESULTS / "reference_weights.csv")


def _raked(stratified, enrolment):
    by_school = enrolment.groupby("school", as_index=False)["Freq"].sum()
    by_gg = enrolment.groupby(["grade", "gender"], as_index=False)["Freq"].sum()
    return rake(stratified, [by_school, by_gg])


def _by_grade_gender(enrolment):
    return enrolment.groupby(["grade", "gender"], as_index=False)["Freq"].sum()


def test_post_stratified_weights_match_r(stratified, enrolment, r_weights):
    """R: weights(postStratify(design, ~grade_gender, pop)) and (design, ~cell, enrolment)."""
    design = post_stratify(stratified, _by_grade_gender(enrolment))
    assert_allclose(design.weights, r_weights["poststrat"], rtol=1e-10)
    design = post_stratify(stratified, enrolment)
    assert_allclose(design.weights, r_weights["poststrat_school"], rtol=1e-10)


def test_raked_weights_match_r(stratified, enrolment, r_weights):
    """R: weights(rake(design, list(~school, ~grade_gender), ...))."""
    assert_allclose(_raked(stratified, enrolment).weights, r_weights["raked"], rtol=1e-9)


def test_post_stratified_estimates_match_r(stratified, enrolment, r_estimates):
    """R: svymean / svyciprop(method="beta") on the post-stratified design, by district."""
    n = compare(ours(post_stratify(stratified, _by_grade_gender(enrolment))),
                r_estimates[r_estimates["scenario"] == "poststrat"])
    assert n == 55


def test_raked_estimates_match_r(stratified, enrolment, r_estimates):
    """R: svymean / svyciprop(method="beta") on the raked design, by district."""
    n = compare(ours(_raked(stratified, enrolment)),
                r_estimates[r_estimates["scenario"] == "raked"])
    assert n == 55


def test_cells_nested_in_schools_leave_no_first_stage_variance(stratified, enrolment,
                                                                r_estimates):
    """R: postStratify(design, ~school.grade.gender) gives SE ~ 1e-17 for every estimate.

    With cells inside schools every school total of the calibration residuals is
    zero, so the one-stage (ultimate cluster) variance vanishes. Planners must not
    read that as precision: the estimates match R, the SEs are zero in both.
    """
    mine = ours(post_stratify(stratified, enrolment))
    ref = r_estimates[r_estimates["scenario"] == "poststrat_school"]
    merged = ref.merge(mine, on=["statistic", "group", "measure"], suffixes=("_r", ""))
    assert len(merged) == 55
    assert_allclose(merged["estimate"], merged["estimate_r"], rtol=1e-9)
    assert merged["se_r"].max() < 1e-15 and merged["se"].max() < 1e-15


def test_problem_cells_are_reported_not_merged(city, enrolment):
    """R postStratify stops for sample cells without population; we report every kind."""
    pop = enrolment.copy()
    first = pop.index[0]
    pop.loc[first, "Freq"] = 0                                         # respondents, no population
    pop = pd.concat([pop, pd.DataFrame({"school": ["S99"], "grade": [5], "gender": ["f"],
                                        "Freq": [12]})], ignore_index=True)  # no respondents
    report = check_cells(city, pop, min_respondents=5)
    problems = dict(zip(zip(report["school"], report["grade"], report["gender"]),
                        report["problem"]))
    assert problems[("S99", 5, "f")] == "no respondents"
    assert problems[tuple(pop.loc[first, ["school", "grade", "gender"]])] == "no population"
    small = city.groupby(["school", "grade", "gender"]).size()
    assert (report["problem"] == "too few respondents").sum() == int(((small < 5) & (small > 0)).sum()
                                                                  ) - int(small.loc[tuple(pop.loc[first, ["school", "grade", "gender"]])] < 5)
    with pytest.raises(ValueError, match="no respondents"):
        post_stratify(city, pop, weights="weight")
    missing_cell = enrolment.iloc[1:]
    with pytest.raises(ValueError, match="not in population"):
        post_stratify(city, missing_cell)


def test_inconsistent_margins_raise(city, enrolment):
    by_school = enrolment.groupby("school", as_index=False)["Freq"].sum()
    by_gender = enrolment.groupby("gender", as_index=False)["Freq"].sum()
    by_gender.loc[0, "Freq"] += 100
    with pytest.raises(ValueError, match="different population totals"):
        rake(city, [by_school, by_gender])
