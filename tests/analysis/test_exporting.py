"""Writers: format by extension, formula injection neutralised, SPSS labels."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

from analysis.files import neutralise, write_estimates, write_scores, write_table
from analysis.questionnaire import load

SMALL = Path(__file__).parents[1] / "questionnaire" / "files" / "small.yaml"
DANGEROUS = ["=1+2", "+SUM(A1:A9)", "-2+3", "@cmd", "\tx", "\rx", "=HYPERLINK(\"http://x\")"]


@pytest.fixture
def estimates():
    n = len(DANGEROUS) + 3
    return pd.DataFrame({
        "group_var": ["district"] * n,
        "group": DANGEROUS + ["-3.5", "Nord", None],
        "measure": ["mood"] * n,
        "statistic": ["mean"] * n,
        "n": np.arange(n) + 10,
        "estimate": np.linspace(-1.5, 2.0, n),
        "se": [0.1] * (n - 1) + [np.nan],
        "suppressed": [False] * (n - 1) + [True],
    })


def test_neutralise_prefixes_text_that_a_spreadsheet_would_execute(estimates):
    out = neutralise(estimates)
    assert out["group"].tolist()[:len(DANGEROUS)] == ["'" + v for v in DANGEROUS]
    assert out["group"].tolist()[-3:-1] == ["-3.5", "Nord"] and pd.isna(out["group"].iloc[-1])
    pd.testing.assert_series_equal(out["estimate"], estimates["estimate"])
    assert estimates["group"].iloc[0] == "=1+2"  # the input is not changed


def test_csv_neutralises_text_and_keeps_negative_numbers(estimates, tmp_path):
    path = write_estimates(estimates, tmp_path / "est.csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["group"] for r in rows[:len(DANGEROUS)]] == ["'" + v for v in DANGEROUS]
    assert rows[0]["estimate"] == "-1.5"
    assert rows[-1]["group"] == "" and rows[-1]["se"] == ""
    assert not any(r["estimate"].startswith("'") for r in rows)


def test_xlsx_has_no_formulas_and_numbers_stay_numbers(estimates, tmp_path):
    path = write_estimates(estimates, tmp_path / "est.xlsx")
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert header == list(estimates.columns)
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    groups = [row[1].value for row in sheet.iter_rows(min_row=2)]
    # XML turns a CR into a line feed when read back
    assert groups[:len(DANGEROUS)] == ["'" + v.replace("\r", "\n") for v in DANGEROUS]
    first = [c.value for c in sheet[2]]
    assert first[5] == -1.5 and isinstance(first[4], int)
    assert [c.value for c in sheet[sheet.max_row]][6] is None


def test_json_is_records_with_null_for_missing(estimates, tmp_path):
    records = json.loads(write_estimates(estimates, tmp_path / "est.json").read_text("utf-8"))
    assert len(records) == len(estimates)
    assert records[0]["group"] == "=1+2"  # JSON is data, not a spreadsheet
    assert records[-1]["se"] is None and records[-1]["suppressed"] is True


def test_estimates_sav_round_trip_with_labels(estimates, tmp_path):
    path = write_estimates(estimates, tmp_path / "est.sav")
    df, meta = pyreadstat.read_sav(str(path))
    assert list(df.columns) == list(estimates.columns)
    np.testing.assert_allclose(df["estimate"], estimates["estimate"])
    assert meta.column_names_to_labels["n"] == "Pupils with a value"
    assert meta.variable_value_labels["suppressed"] == {0.0: "no", 1.0: "yes"}
    assert df["suppressed"].tolist()[-2:] == [0.0, 1.0]
    assert df["group"].iloc[0] == "=1+2"


@pytest.fixture
def small_scored():
    q = load(SMALL)
    scoring = pytest.importorskip("analysis.scoring")
    responses = pd.DataFrame({
        "response_id": [1, 2, 3], "wave": ["w"] * 3, "school": ["S1", "S1", "S2"],
        "class": ["5a"] * 3, "district": ["01", "dont_know", None], "grade": [5, 5, 6],
        "gender": [1, 99, 2], "language": ["de", "en", "de"],
        "happy_1": [4, 1, None], "happy_2": [4, 2, 3], "happy_3": [1, 4, 99],
        "sad_1": [1, 4, 2], "sad_2": [1, 3, None], "club": [1, 0, None],
        "club_name": ["=cmd|' /C calc'!A0", None, None],
    })
    return q, scoring.score(responses, q)


def test_scores_sav_carries_item_texts_answer_labels_and_category_codes(small_scored, tmp_path):
    q, scored = small_scored
    path = write_scores(scored, tmp_path / "scores.sav", q)
    df, meta = pyreadstat.read_sav(str(path), user_missing=True)
    labels = meta.column_names_to_labels
    assert labels["happy_1"] == "Ich bin mit meinem Leben zufrieden."
    assert labels["life_satisfaction"].startswith("Lebenszufriedenheit")
    assert meta.variable_value_labels["happy_1"][4.0] == "Stimmt genau"
    assert meta.variable_value_labels["happy_1"][99.0] == "Möchte ich nicht sagen"
    assert meta.missing_ranges["happy_3"] == [{"lo": 99.0, "hi": 99.0}]
    assert meta.variable_value_labels["life_satisfaction_category"] == {
        1.0: "low", 2.0: "medium", 3.0: "high"}
    assert meta.variable_value_labels["wellbeing_index"] == {
        1.0: "Gut", 2.0: "Niedrig", 3.0: "Mittel"}
    expected = scored["life_satisfaction_category"].map({"low": 1, "medium": 2, "high": 3})
    np.testing.assert_array_equal(df["life_satisfaction_category"], expected.astype(float))
    np.testing.assert_allclose(df["life_satisfaction"], scored["life_satisfaction"])
    assert df["club_name"].iloc[0] == "=cmd|' /C calc'!A0" and df["club_name"].iloc[1] == ""
    english = pyreadstat.read_sav(str(write_scores(scored, tmp_path / "en.sav", q,
                                                   language="en")), metadataonly=True)[1]
    assert english.column_names_to_labels["happy_1"] == "I am happy with my life."


def test_scores_csv_neutralises_free_text(small_scored, tmp_path):
    q, scored = small_scored
    with write_scores(scored, tmp_path / "s.csv", q).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["club_name"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["gender"] == "99" and rows[2]["happy_1"] == ""


def test_unknown_extension_is_a_clear_error(estimates, tmp_path):
    with pytest.raises(ValueError, match=r"unknown file type '\.txt'.*\.csv, \.xlsx, \.json, \.sav"):
        write_table(estimates, tmp_path / "est.txt")
    with pytest.raises(ValueError, match="no extension"):
        write_table(estimates, tmp_path / "est")


def test_sav_rejects_column_names_spss_cannot_hold(tmp_path):
    with pytest.raises(ValueError, match="not valid SPSS variable names"):
        write_table(pd.DataFrame({"a b": [1]}), tmp_path / "x.sav")


def test_scores_sav_rejects_an_unknown_language(small_scored, tmp_path):
    q, scored = small_scored
    with pytest.raises(ValueError, match="language 'fr'"):
        write_scores(scored, tmp_path / "x.sav", q, language="fr")
