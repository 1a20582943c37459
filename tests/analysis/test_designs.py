"""Choosing the survey design: census by default with enrolment, schools without, classes
on request; named in every output; weights and enrolment handled and said."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.designs import build_design
from analysis.pipeline import analyse
from analysis.questionnaire import load
from analysis.scoring import score
from analysis.simulation import simulate_city
from questionnaires import SHIPPED


@pytest.fixture(scope="module")
def shipped():
    return load(SHIPPED)


@pytest.fixture(scope="module")
def city(shipped):
    sim = simulate_city(shipped, 1500, districts=6, schools=8, seed=5)
    return score(sim.responses, shipped), sim.enrolment


def test_enrolment_makes_the_census_the_default(city):
    scored, enrolment = city
    built = build_design(scored, enrolment=enrolment)
    assert built.name == "census" and built.design.name == "census"
    assert "census" in built.notes[0] and "enrolment given" in built.notes[0]
    # weights are enrolled / respondents per cell, and they add up to the enrolment
    assert built.design.weights.sum() == pytest.approx(
        enrolment.loc[enrolment["pupils"] > 0, "pupils"].sum()
        - built.cells.loc[built.cells["problem"] == "no respondents", "enrolled"].sum())
    plain = build_design(scored)
    assert plain.name == "schools" and "no enrolment given" in plain.notes[0]


def test_census_without_enrolment_or_with_a_weight_column_is_refused(city):
    scored, enrolment = city
    with pytest.raises(ValueError, match="census design needs the enrolment"):
        build_design(scored, "census")
    weighted = scored.assign(weight=np.linspace(0.5, 2.0, len(scored)))
    with pytest.raises(ValueError, match="'weight' column, but the census design"):
        build_design(weighted, enrolment=enrolment)
    with pytest.raises(ValueError, match="design must be one of census, schools, classes"):
        build_design(scored, "districts", enrolment)


def test_a_weight_column_is_the_base_weight_of_the_schools_design(city):
    scored, enrolment = city
    weighted = scored.assign(weight=np.linspace(0.5, 2.0, len(scored)))
    built = build_design(weighted, "schools", enrolment)
    assert any("'weight' column is the base weight" in note for note in built.notes)
    unweighted = build_design(scored, "schools", enrolment)
    assert not np.allclose(built.design.weights, unweighted.design.weights)
    # post-stratified: each cell's weights add up to its enrolment, whatever the base weight
    cells = build_design(scored, "census", enrolment).design.data["_cell"]
    for design in (built.design, unweighted.design):
        totals = pd.Series(design.weights).groupby(cells.to_numpy()).sum()
        census = build_design(scored, "census", enrolment).design
        expected = pd.Series(census.weights).groupby(cells.to_numpy()).sum()
        np.testing.assert_allclose(totals.sort_index(), expected.sort_index(), rtol=1e-9)
    no_enrolment = build_design(weighted, "schools")
    assert "weights from the 'weight' column" in no_enrolment.notes[1]
    np.testing.assert_array_equal(no_enrolment.design.weights, weighted["weight"])


@pytest.mark.parametrize("name", ["census", "schools", "classes"])
def test_every_design_is_named_and_gets_small_area_estimates(name, city, shipped):
    scored, enrolment = city
    table = analyse(scored, shipped, design=name, enrolment=enrolment, min_n=10)
    assert (table["design"] == name).all()
    means = table[(table["statistic"] == "mean") & ~table["suppressed"]
                  & ~table["group"].isin(["all", "dont_know"]) & table["se"].gt(0)]
    assert len(means) > 50 and means["sae_estimate"].notna().all()
    shown = table[~table["suppressed"] & table["estimate"].notna()]
    assert not (shown["se"] == 0).any() or name == "census"


def test_census_intervals_are_narrower_than_a_sample_of_schools(city, shipped):
    scored, enrolment = city
    census = analyse(scored, shipped, enrolment=enrolment, small_area=False)
    schools = analyse(scored, shipped, design="schools", enrolment=enrolment, small_area=False)
    keys = ["group", "measure", "statistic"]
    both = census.merge(schools, on=keys, suffixes=("_census", "_schools"))
    both = both[both["se_census"].notna() & both["se_schools"].notna()]
    assert (both["estimate_census"] - both["estimate_schools"]).abs().max() < 1e-9
    width = lambda s: both[f"ci_high_{s}"] - both[f"ci_low_{s}"]  # noqa: E731
    assert (width("census") < width("schools")).mean() > 0.9


def test_a_district_in_one_school_has_no_se_and_says_why(shipped):
    sim = simulate_city(shipped, 600, districts=3, schools=6, seed=9)
    responses = sim.responses.copy()
    lone = responses["school"] == responses["school"].iloc[0]
    responses.loc[lone, "district"] = "only_here"       # a district served by one school
    table = analyse(score(responses, shipped), shipped, design="schools", min_n=10)
    rows = table[(table["group"] == "only_here") & ~table["suppressed"]]
    assert len(rows) > 20 and rows["estimate"].notna().all()
    assert rows[["se", "ci_low", "ci_high", "p_value"]].isna().all().all()
    assert rows["low_precision"].all()
    assert rows["variance_note"].str.contains("one school: variance cannot be estimated").all()
    others = table[(table["group"] != "only_here") & ~table["suppressed"]]
    assert (others["variance_note"] == "").all()
    assert others.loc[others["statistic"] == "mean", "se"].gt(0).all()


def test_the_r_df_rule_stays_available(city, shipped):
    scored, _ = city
    effective = analyse(scored, shipped, small_area=False)
    r_rule = analyse(scored, shipped, small_area=False, df_rule="r")
    merged = effective.merge(r_rule, on=["group", "measure", "statistic"], suffixes=("", "_r"))
    districts = merged[merged["group"] != "all"]
    assert (districts["df"] <= districts["df_r"] + 1e-9).all()
    assert (districts["df"] < districts["df_r"]).any()
    np.testing.assert_allclose(districts["se"], districts["se_r"])


def test_more_respondents_than_enrolled_pupils_is_named(city):
    scored, enrolment = city
    first = scored.iloc[0]
    cell = ((enrolment["school"] == first["school"]) & (enrolment["grade"] == first["grade"])
            & (enrolment["gender"] == first["gender"]))
    assert cell.sum() == 1
    too_few = enrolment.assign(pupils=np.where(cell, 1, enrolment["pupils"]))
    with pytest.raises(ValueError, match=r"1 cell\(s\) have more respondents than enrolled "
                                         rf"pupils: {first['school']}, {first['grade']}\b.*"
                                         r"answered, .* enrolled\); correct the enrolment"):
        build_design(scored, enrolment=too_few)
