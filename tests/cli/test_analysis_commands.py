"""``wellbeing simulate``, ``score`` and ``analyse`` through the real command group."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner

from survey_app.cli import main

FILES = Path(__file__).parents[1] / "questionnaire" / "files"
SMALL = str(FILES / "small.yaml")
KEYS = ["group_var", "group", "measure", "statistic"]
CONTRACT = ["group_var", "group", "measure", "statistic", "n", "estimate", "se", "ci_low",
            "ci_high", "suppressed", "diff_city", "p_value", "p_adjusted"]


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    result = run("simulate", "--pupils", 1500, "--districts", 6, "--schools", 12, "--seed", 4,
                 "--questionnaire", SMALL, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_simulate_writes_the_three_files_and_is_deterministic(city, tmp_path):
    again = tmp_path / "again"
    result = run("simulate", "--pupils", 1500, "--districts", 6, "--schools", 12, "--seed", 4,
                 "--questionnaire", SMALL, "--out", again)
    assert result.exit_code == 0
    assert "wrote 1500 responses" in result.stdout
    for name in ("responses.csv", "districts.geojson", "enrolment.csv"):
        assert (city / name).read_bytes() == (again / name).read_bytes()
    geo = json.loads((city / "districts.geojson").read_text("utf-8"))
    assert len(geo["features"]) == 6
    with (city / "responses.csv").open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header[:8] == ["response_id", "wave", "school", "class", "district", "grade",
                          "gender", "language"]


def test_simulate_uses_the_shipped_questionnaire_by_default(tmp_path):
    result = run("simulate", "--pupils", 30, "--districts", 2, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "kinderwelten" in result.stdout
    assert "ls_1" in (tmp_path / "responses.csv").read_text("utf-8").splitlines()[0]


def test_score_appends_scales_categories_and_index(city, tmp_path):
    result = run("score", "--questionnaire", SMALL, "--responses", city / "responses.csv",
                 "--out", tmp_path / "scores.csv")
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(tmp_path / "scores.csv", dtype={"district": str})
    for column in ("life_satisfaction", "life_satisfaction_category", "sadness",
                   "wellbeing_index", "asset_life_satisfaction"):
        assert column in scores.columns
    assert len(scores) == 1500
    result = run("score", "--questionnaire", SMALL, "--responses", city / "responses.csv",
                 "--out", tmp_path / "scores.sav")
    assert result.exit_code == 0, result.output
    meta = pyreadstat.read_sav(str(tmp_path / "scores.sav"), metadataonly=True)[1]
    assert meta.column_names_to_labels["happy_1"] == "Ich bin mit meinem Leben zufrieden."


def test_analyse_writes_the_contract_columns_with_disclosure_control(city, tmp_path):
    out = tmp_path / "estimates.csv"
    result = run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv",
                 "--out", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"group": str})
    assert list(table.columns[:len(CONTRACT)]) == CONTRACT
    assert set(table["statistic"]) == {"mean", "share"}
    assert "wellbeing_index=thriving" in set(table["measure"])
    assert {"01", "06", "all"} <= set(table["group"])
    published = table[~table["suppressed"]]
    assert (published["n"] >= 10).all()
    assert table.loc[table["suppressed"], ["n", "estimate", "se"]].isna().all().all()


def test_analyse_min_n_from_option_and_environment(city, tmp_path):
    out = tmp_path / "strict.json"
    result = run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv",
                 "--min-n", 100000, "--out", out)
    assert result.exit_code == 0, result.output
    records = json.loads(out.read_text("utf-8"))
    assert all(r["suppressed"] and r["estimate"] is None for r in records)
    out = tmp_path / "env.csv"
    result = run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv",
                 "--out", out, env={"MIN_GROUP_SIZE": "100000"})
    assert result.exit_code == 0 and "min n 100000" in result.stdout
    assert pd.read_csv(out)["suppressed"].all()


def test_analyse_with_enrolment_post_stratifies(city, tmp_path):
    plain, weighted = tmp_path / "plain.csv", tmp_path / "weighted.xlsx"
    assert run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv",
               "--out", plain).exit_code == 0
    result = run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv",
                 "--enrolment", city / "enrolment.csv", "--out", weighted)
    assert result.exit_code == 0, result.output
    a = pd.read_csv(plain, dtype={"group": str})
    b = pd.read_excel(weighted, dtype={"group": str})
    assert list(b.columns[:len(CONTRACT)]) == CONTRACT
    city_row = (a["group"] == "all") & (a["measure"] == "life_satisfaction")
    assert a.loc[city_row, "estimate"].iloc[0] != pytest.approx(
        b.loc[city_row, "estimate"].iloc[0], abs=1e-9)
    assert (b.loc[~b["suppressed"] & (b["group"] != "all"), "se"] > 0).all()


def test_analyse_by_another_column(city, tmp_path):
    out = tmp_path / "by_gender.csv"
    result = run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv",
                 "--by", "gender", "--out", out)
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(out)["group_var"]) == {"gender"}


def _bad(result, *fragments):
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_missing_columns_are_named(city, tmp_path):
    frame = pd.read_csv(city / "responses.csv", dtype=str).drop(columns=["gender", "happy_2"])
    frame.to_csv(tmp_path / "r.csv", index=False)
    _bad(run("analyse", "--questionnaire", SMALL, "--responses", tmp_path / "r.csv",
             "--out", tmp_path / "e.csv"), "r.csv", "gender", "happy_2")


def test_values_outside_the_answer_scale_are_named(city, tmp_path):
    frame = pd.read_csv(city / "responses.csv", dtype=str)
    frame.loc[3, "happy_1"] = "7"
    frame.to_csv(tmp_path / "r.csv", index=False)
    _bad(run("score", "--questionnaire", SMALL, "--responses", tmp_path / "r.csv",
             "--out", tmp_path / "s.csv"), "happy_1", "7")


def test_a_malformed_questionnaire_is_reported(city, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(Path(SMALL).read_text("utf-8").replace("min_answered: 2", "min_answered: x"),
                      encoding="utf-8")
    _bad(run("analyse", "--questionnaire", broken, "--responses", city / "responses.csv",
             "--out", tmp_path / "e.csv"), "broken.yaml")


def test_an_unknown_by_column_is_reported(city, tmp_path):
    _bad(run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv",
             "--by", "postcode", "--out", tmp_path / "e.csv"), "--by", "postcode")


@pytest.mark.parametrize("args, fragment", [
    (["--out", "e.txt"], "unknown file type '.txt'"),
    (["--out", "e.csv", "--enrolment", "nowhere.csv"], "no such file"),
])
def test_bad_output_type_and_missing_files(city, tmp_path, args, fragment):
    args = [tmp_path / a if a.endswith((".txt", ".csv")) else a for a in args]
    _bad(run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv", *args),
         fragment)


def test_not_a_csv_and_bad_environment(city, tmp_path):
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    _bad(run("score", "--questionnaire", SMALL, "--responses", tmp_path / "empty.csv",
             "--out", tmp_path / "s.csv"), "empty.csv")
    _bad(run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv",
             "--out", tmp_path / "e.csv", env={"MIN_GROUP_SIZE": "ten"}), "MIN_GROUP_SIZE")


def test_analyse_compares_with_the_previous_wave(city, tmp_path):
    """Second wave against the first: change, p-value, none where either is hidden."""
    last = tmp_path / "last"
    assert run("simulate", "--pupils", 1200, "--districts", 6, "--schools", 12, "--seed", 99,
               "--questionnaire", SMALL, "--out", last).exit_code == 0
    before, now = tmp_path / "2024.csv", tmp_path / "2026.csv"
    assert run("analyse", "--questionnaire", SMALL, "--responses", last / "responses.csv",
               "--min-n", 170, "--out", before).exit_code == 0
    result = run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv",
                 "--min-n", 170, "--previous", before, "--out", now)
    assert result.exit_code == 0, result.output
    old = pd.read_csv(before, dtype={"group": str}).set_index(KEYS)
    new = pd.read_csv(now, dtype={"group": str}).set_index(KEYS)
    both = new.join(old[["estimate"]].rename(columns={"estimate": "estimate_last"}), how="inner")
    compared = both[both["estimate"].notna() & both["estimate_last"].notna()]
    assert len(compared) > 20
    assert (compared["diff_previous"] - (compared["estimate"] - compared["estimate_last"])
            ).abs().max() < 1e-9
    assert compared["p_adjusted_previous"].ge(compared["p_value_previous"]).all()
    hidden = both[both["estimate"].isna() | both["estimate_last"].isna()]
    assert len(hidden) > 0 and hidden["diff_previous"].isna().all()
    missing = run("analyse", "--questionnaire", SMALL, "--responses", city / "responses.csv",
                  "--previous", tmp_path / "none.csv", "--out", tmp_path / "x.csv")
    _bad(missing, "none.csv")
