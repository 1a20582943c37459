"""``wellbeing analyse --design``: census by default with enrolment, and said so."""

from __future__ import annotations

import pandas as pd
import pytest

from .test_analysis_commands import SMALL, _bad, run


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    result = run("simulate", "--pupils", 1200, "--districts", 5, "--schools", 8, "--seed", 6,
                 "--questionnaire", SMALL, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def _analyse(city, out, *extra):
    return run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv",
               "--out", out, *extra)


def test_with_enrolment_the_census_design_is_used_and_named(city, tmp_path):
    result = _analyse(city, tmp_path / "e.csv", "--enrolment", city / "enrolment.csv")
    assert result.exit_code == 0, result.output
    assert "census with nonresponse" in result.stderr and "census design" in result.stdout
    table = pd.read_csv(tmp_path / "e.csv")
    assert (table["design"] == "census").all()


def test_without_enrolment_it_says_so_and_uses_the_schools_design(city, tmp_path):
    result = _analyse(city, tmp_path / "e.csv")
    assert result.exit_code == 0, result.output
    assert "no enrolment given" in result.stderr
    assert (pd.read_csv(tmp_path / "e.csv")["design"] == "schools").all()


@pytest.mark.parametrize("design", ["schools", "classes"])
def test_other_designs_on_request(design, city, tmp_path):
    result = _analyse(city, tmp_path / "e.csv", "--enrolment", city / "enrolment.csv",
                      "--design", design, "--df-rule", "r")
    assert result.exit_code == 0, result.output
    assert f"{design} design" in result.stdout
    assert (pd.read_csv(tmp_path / "e.csv")["design"] == design).all()


def test_census_without_enrolment_is_one_clear_error(city, tmp_path):
    _bad(_analyse(city, tmp_path / "e.csv", "--design", "census"), "needs the enrolment")
    assert not (tmp_path / "e.csv").exists()


def test_a_weight_column_with_enrolment_is_refused_or_used_and_said(city, tmp_path):
    responses = pd.read_csv(city / "responses.csv", dtype=str, keep_default_na=False)
    responses["weight"] = "1.5"
    path = tmp_path / "weighted.csv"
    responses.to_csv(path, index=False)
    args = ["analyse", "--questionnaire", SMALL, "--responses", path, "--enrolment",
            city / "enrolment.csv", "--out", tmp_path / "e.csv"]
    _bad(run(*args), "'weight' column", "census design")
    result = run(*args, "--design", "schools")
    assert result.exit_code == 0, result.output
    assert "'weight' column is the base weight" in result.stderr


def test_duplicate_response_ids_are_refused(city, tmp_path):
    responses = pd.read_csv(city / "responses.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "twice.csv"
    pd.concat([responses, responses.iloc[[7]]]).to_csv(path, index=False)
    result = run("analyse", "--questionnaire", SMALL, "--responses", path,
                 "--out", tmp_path / "e.csv")
    _bad(result, "twice.csv", f"{responses['response_id'].iloc[7]} (2 rows)")
    assert not (tmp_path / "e.csv").exists()


def test_shares_use_the_logit_interval_unless_beta_is_asked_for(city, tmp_path):
    enrolment = ("--enrolment", city / "enrolment.csv")
    assert _analyse(city, tmp_path / "d.csv", *enrolment).exit_code == 0
    assert _analyse(city, tmp_path / "l.csv", *enrolment, "--ci-method", "logit").exit_code == 0
    assert _analyse(city, tmp_path / "b.csv", *enrolment, "--ci-method", "beta").exit_code == 0
    default, logit, beta = (pd.read_csv(tmp_path / f"{n}.csv") for n in "dlb")
    pd.testing.assert_frame_equal(default, logit)
    shares = (beta["statistic"] == "share") & beta["ci_low"].notna() & (beta["estimate"] > 0) \
        & (beta["estimate"] < 1)
    assert shares.sum() > 10
    # the same estimates; Korn-Graubard's intervals are the wider ones
    assert (beta.loc[shares, "estimate"] == logit.loc[shares, "estimate"]).all()
    assert ((beta.loc[shares, "ci_high"] - beta.loc[shares, "ci_low"]).mean()
            > (logit.loc[shares, "ci_high"] - logit.loc[shares, "ci_low"]).mean())
    means = beta["statistic"] == "mean"
    pd.testing.assert_frame_equal(beta[means], logit[means])
    wrong = _analyse(city, tmp_path / "x.csv", "--ci-method", "wald")
    assert wrong.exit_code == 2 and "'--ci-method'" in wrong.stderr and "Traceback" not in wrong.output
    assert not (tmp_path / "x.csv").exists()
