"""The three designs (census, schools, classes) against R ``survey`` 4.1.1 (results/designs.R).

R: ``svydesign(ids=~1, strata=~cell, fpc=~enrolled)`` (census),
``svydesign(ids=~school, weights=~w)`` with ``w`` from ``postStratify(.., ~cell, ..)``
(schools), ``svydesign(ids=~class_id, strata=~school, weights=~w)`` (classes), all with
``options(survey.lonely.psu="adjust")``; ``svymean``, ``svyby``, ``svyciprop(method="beta")``
and ``svyciprop(method="logit")`` (the published shares' interval),
``confint(df=degf(subset))`` and ``svycontrast`` for the district-minus-city differences.
The fixture (results/make_designs_fixture.py) has a cell of one respondent, a cell where
every pupil answered, collapsed cells, a school with one class, a district served by one
school and shares of exactly 0 and 1.
"""
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.designs import build_design
from analysis.estimation import compare_to_city, survey_means_by, survey_shares_by

from analysis.estimation.compare import _city_contrast
from analysis.estimation.estimates import _means

from .conftest import RESULTS

SHARES = {"wellbeing_index": ["thriving"], "bullied_often": ["yes"], "has_friend": ["yes"]}
DESIGNS = ["census", "schools", "classes"]


@pytest.fixture(scope="module")
def fixture_city():
    city = pd.read_csv(RESULTS / "designs_city.csv", dtype={"class": str})
    return city, pd.read_csv(RESULTS / "designs_enrolment.csv")


@pytest.fixture(scope="module")
def reference():
    return pd.read_csv(RESULTS / "reference_designs.csv")


def _design(name, fixture_city):
    city, enrolment = fixture_city
    return build_design(city, name, enrolment, df_rule="r").design


def _ours(design, ci_method):
    return pd.concat([survey_means_by(design, "life_satisfaction"),
                      survey_shares_by(design, SHARES, ci_method=ci_method)], ignore_index=True)


def _r_intervals(ref, ci_method):
    """R's share intervals of ``ci_method`` in the columns ci_low_r / ci_high_r."""
    if ci_method == "beta":
        return ref
    logit = ref["statistic"] == "share"
    out = ref.copy()
    out.loc[logit, "ci_low"] = ref.loc[logit, "ci_low_logit"]
    out.loc[logit, "ci_high"] = ref.loc[logit, "ci_high_logit"]
    return out


@pytest.mark.parametrize("ci_method", ["logit", "beta"])
@pytest.mark.parametrize("name", DESIGNS)
def test_design_estimates_match_r(name, ci_method, fixture_city, reference):
    ref = _r_intervals(reference[reference["scenario"] == name], ci_method)
    ours = _ours(_design(name, fixture_city), ci_method)
    merged = ref.merge(ours, on=["statistic", "group", "measure"],
                       suffixes=("_r", ""), validate="one_to_one")
    assert len(merged) == len(ref) == 7 * 4      # 6 districts + the city, 1 mean + 3 shares
    assert_allclose(merged["estimate"], merged["estimate_r"], rtol=1e-6, atol=1e-12)
    assert_allclose(merged["df"], merged["df_r"], rtol=0)
    one_psu = merged["df_r"] == 0
    # a district served by one school: R's SE is rounding noise, ours is not given
    assert merged.loc[one_psu, ["se", "ci_low", "ci_high"]].isna().all().all()
    exact = ~one_psu & merged["estimate_r"].isin([0.0, 1.0])
    assert_allclose(merged.loc[~one_psu, "se"], merged.loc[~one_psu, "se_r"], rtol=1e-6,
                    atol=1e-12)
    # R's logit fit breaks down with one degree of freedom (schools, district D5: an
    # interval [0, NaN]); every other interval is compared
    finite = (~one_psu & ~exact & merged["ci_low_r"].notna() & merged["ci_high_r"].notna()
              & (merged["ci_low_r"] > 0))
    broken = (~one_psu & ~exact & ~finite)
    assert (merged.loc[broken, "df_r"] == 1).all() and broken.sum() <= (ci_method == "logit")
    assert finite.sum() == 25 - 3 * (name == "schools") - int(broken.sum())
    for col in ("ci_low", "ci_high"):
        assert_allclose(merged.loc[finite, col], merged.loc[finite, col + "_r"], rtol=1e-6)
    # shares of exactly 0 and 1: SE exactly 0, and a Clopper-Pearson interval where R
    # has NaN (or, with rounding noise in its SE, the empty interval [1, 1])
    shares01 = merged[exact]
    assert len(shares01) >= 2 and (shares01["se"] == 0).all()
    ones, zeros = shares01[shares01["estimate"] == 1], shares01[shares01["estimate"] == 0]
    assert len(ones) and len(zeros)
    assert (ones["ci_high"] == 1).all() and ones["ci_low"].between(0, 1, inclusive="neither").all()
    assert (zeros["ci_low"] == 0).all() and zeros["ci_high"].between(0, 1, inclusive="neither").all()


@pytest.mark.parametrize("name", DESIGNS)
def test_differences_from_the_city_match_r(name, fixture_city):
    """R: svycontrast(svytotal(~y_d + n_d + y + n), quote(y_d/n_d - y/n)) in each design."""
    ref = pd.read_csv(RESULTS / "reference_designs_contrasts.csv")
    ref = ref[ref["scenario"] == name]
    design = _design(name, fixture_city)
    ours = compare_to_city(design, measures="life_satisfaction")
    merged = ref.merge(ours, on=["group", "measure"], suffixes=("_r", ""))
    assert len(merged) == 6
    assert_allclose(merged["diff_city"], merged["diff"], rtol=1e-6)
    _, st, labels, _ = _means(design, "life_satisfaction", "district", 0.95)
    se = pd.DataFrame({"group": labels, "se_c": _city_contrast(design, st, len(labels))[1][:, 0]})
    merged = merged.merge(se, on="group")
    assert_allclose(merged["se_c"], merged["se_r"], rtol=1e-6)


def test_census_weights_and_cells_match_r(fixture_city):
    """R: weights(svydesign(ids=~1, strata=~cell, fpc=~enrolled)) = enrolled / respondents."""
    ref = pd.read_csv(RESULTS / "reference_designs_weights.csv")
    census = _design("census", fixture_city)
    assert census.data["_cell"].tolist() == ref["cell"].tolist()
    assert_allclose(census.weights, ref["census"], rtol=1e-12)
    assert_allclose(_design("schools", fixture_city).weights, ref["schools"], rtol=1e-10)
    assert census.name == "census" and census.degf == len(ref) - ref["cell"].nunique()


@pytest.mark.parametrize("lonely", ["adjust", "average", "certainty"])
@pytest.mark.parametrize("df_rule", ["effective", "r"])
@pytest.mark.parametrize("by, domain_lonely", [("district", False), ("school", False),
                                               ("school", True)])
def test_pupils_as_units_give_the_same_figures_without_the_pupil_by_district_array(
        fixture_city, lonely, df_rule, by, domain_lonely):
    """The census design's short path (sums per occupied cell and group) equals the general
    one (one PSU a row), by district (cells spread over districts) and by school (each
    cell in one school: most cell x school pairs are empty)."""
    data = _design("census", fixture_city).data.assign(
        row=np.arange(len(fixture_city[0])))
    from analysis.estimation import survey_design

    options = dict(strata="_cell", fpc="_enrolled", lonely_psu=lonely, df_rule=df_rule,
                   adjust_domain_lonely=domain_lonely)
    short = survey_design(data, cluster=None, **options)
    general = survey_design(data, cluster="row", **options)
    a = compare_to_city(short, measures="life_satisfaction", categories=SHARES, by=by)
    b = compare_to_city(general, measures="life_satisfaction", categories=SHARES, by=by)
    groups = data[by].nunique() + 1
    assert len(a) == groups * 4 and a["se"].notna().sum() > groups
    cols = ["estimate", "se", "df", "ci_low", "ci_high", "diff_city", "p_value"]
    assert_allclose(a[cols].to_numpy(float), b[cols].to_numpy(float), rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("name", DESIGNS)
def test_published_shares_use_the_logit_interval_with_clopper_pearson_at_0_and_1(
        name, fixture_city):
    """The default interval is the logit one; shares of 0 or 1 keep Clopper-Pearson."""
    design = _design(name, fixture_city)
    default = survey_shares_by(design, SHARES)
    logit = survey_shares_by(design, SHARES, ci_method="logit")
    beta = survey_shares_by(design, SHARES, ci_method="beta")
    pd.testing.assert_frame_equal(default, logit)
    exact = logit["estimate"].isin([0.0, 1.0]) & logit["se"].notna()
    assert exact.sum() >= 2
    cols = ["ci_low", "ci_high"]
    assert_allclose(logit.loc[exact, cols], beta.loc[exact, cols], rtol=0)
    inside = ~exact & logit["ci_low"].notna()
    assert not np.allclose(logit.loc[inside, "ci_low"], beta.loc[inside, "ci_low"])
    with pytest.raises(ValueError, match="ci_method must be 'logit' or 'beta'"):
        survey_shares_by(design, SHARES, ci_method="wilson")
