"""District-vs-city contrasts, wave comparisons and p-value adjustment.

R functions: ``svycontrast(svytotal(~y_dom + n_dom + y_all + n_all, design),
quote(y_dom/n_dom - y_all/n_all))`` (results/reference_contrasts.csv) and
``p.adjust(p, "holm" | "BH" | "bonferroni")`` (results/reference_padjust.csv).
"""
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from numpy.testing import assert_allclose

from analysis.estimation import (adjust_pvalues, compare_to_city, compare_waves, post_stratify,
                                 rake, survey_design, survey_means_by)

from analysis.estimation.compare import _city_contrast
from analysis.estimation.estimates import _means, _shares

from .conftest import RESULTS


def _design(scenario, city, enrolment):
    if scenario == "weighted":
        return survey_design(city, cluster="school", weights="weight")
    stratified = survey_design(city, cluster="school", strata="muni", weights="weight")
    if scenario == "stratified":
        return stratified
    if scenario == "poststrat":
        return post_stratify(stratified,
                             enrolment.groupby(["grade", "gender"], as_index=False)["Freq"].sum())
    if scenario == "raked":
        return rake(stratified, [enrolment.groupby("school", as_index=False)["Freq"].sum(),
                                 enrolment.groupby(["grade", "gender"], as_index=False)["Freq"].sum()])
    return survey_design(city, cluster="school", strata="muni_lonely", weights="weight",
                         lonely_psu=scenario.removeprefix("lonely_"))


SCENARIOS = ["weighted", "stratified", "poststrat", "raked", "lonely_adjust", "lonely_average",
             "lonely_certainty", "lonely_remove"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_district_minus_city_matches_r_svycontrast(scenario, city, enrolment, r_contrasts):
    """R: svycontrast on svytotal of domain and city totals (delta method, same design)."""
    design = _design(scenario, city, enrolment)
    res = compare_to_city(design, "life_satisfaction", {"wellbeing_index": ["thriving"]})
    ref = r_contrasts[r_contrasts["scenario"] == scenario]
    m = ref.merge(res, on=["group", "measure"], suffixes=("_r", ""), validate="one_to_one")
    assert len(m) == 20
    assert_allclose(m["diff_city"], m["diff"], rtol=1e-6)
    rows = []
    for _, st, labels, names in (_means(design, "life_satisfaction", "district", 0.95),
                                 _shares(design, {"wellbeing_index": ["thriving"]}, "district",
                                         "beta", 0.95)):
        diff, se = _city_contrast(design, st, len(labels))
        rows.append(pd.DataFrame({"group": labels, "measure": names[0], "se_c": se[:, 0]}))
    m = m.merge(pd.concat(rows), on=["group", "measure"])
    assert_allclose(m["se_c"], m["se_r"], rtol=1e-6)
    t = stats.t.sf(np.abs(m["diff"] / m["se_r"]), m["df"]) * 2
    assert_allclose(m["p_value"][m["df"] > 0], t[m["df"] > 0], rtol=1e-6)


def test_contrast_is_not_the_independent_variance(city):
    """The district is part of the city: the contrast variance differs from se_d^2 + se_city^2.

    R: svycontrast (covariance from the shared design) vs the naive sum of variances.
    """
    design = survey_design(city, cluster="school", weights="weight")
    res = compare_to_city(design, "self_esteem")
    est = survey_means_by(design, "self_esteem")
    d01 = res[res["group"] == "D01"].iloc[0]
    naive = np.hypot(est.loc[est["group"] == "D01", "se"].iloc[0],
                     est.loc[est["group"] == "all", "se"].iloc[0])
    t = pd.Series([d01["diff_city"]]) / naive
    assert not np.isclose(d01["p_value"], 2 * stats.t.sf(abs(t[0]), d01["df"]))
    city_row = res[res["group"] == "all"].iloc[0]
    assert np.isnan(city_row["diff_city"]) and np.isnan(city_row["p_adjusted"])


def test_holm_adjustment_across_districts(city):
    """p_adjusted is R p.adjust(p_value, 'holm') over the districts of one measure."""
    res = compare_to_city(survey_design(city, cluster="school", weights="weight"),
                          ["life_satisfaction", "self_esteem"], adjust="holm")
    for _, part in res[res["group"] != "all"].groupby("measure"):
        assert_allclose(part["p_adjusted"], adjust_pvalues(part["p_value"], "holm"))
        assert (part["p_adjusted"].dropna() >= part["p_value"].dropna() - 1e-15).all()


@pytest.mark.parametrize("method,column", [("holm", "holm"), ("bh", "BH"),
                                           ("bonferroni", "bonferroni")])
def test_adjust_pvalues_matches_r(method, column):
    """R: p.adjust(p, method) with an NA left out of the family."""
    ref = pd.read_csv(RESULTS / "reference_padjust.csv")
    assert_allclose(adjust_pvalues(ref["p"], method), ref[column], rtol=1e-12)


def test_adjust_pvalues_rejects_bad_input():
    with pytest.raises(ValueError, match="between 0 and 1"):
        adjust_pvalues([0.5, 1.5])
    with pytest.raises(ValueError, match="method"):
        adjust_pvalues([0.5], "hochberg-ish")


def test_compare_waves_independent_samples(city):
    """Two waves as independent samples: se^2 = se1^2 + se0^2 (R: sqrt(SE(a)^2 + SE(b)^2))."""
    now = survey_means_by(city, "self_esteem", weights="weight")
    shifted = city.assign(self_esteem=city["self_esteem"] - 0.2)
    before = survey_means_by(shifted.sample(frac=0.7, random_state=3), "self_esteem",
                             weights="weight")
    res = compare_waves(now, before)
    m = now.merge(before, on=["group", "measure"], suffixes=("", "_0"))
    assert len(res) == len(m)
    assert_allclose(res["se"], np.hypot(m["se"], m["se_0"]))
    assert_allclose(res["diff"], m["estimate"] - m["estimate_0"])
    assert res.loc[res["group"] == "all", "p_adjusted"].isna().all()
    both = res["df"].notna()
    assert (res.loc[both, "df"] <= (m["df"] + m["df_0"])[both] + 1e-9).all()
    assert res.loc[res["group"] == "D10", "p_value"].isna().all()      # df 0: no test
    with pytest.raises(ValueError, match="lack column"):
        compare_waves(now.drop(columns="se"), before)
