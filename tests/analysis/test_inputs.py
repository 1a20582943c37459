"""Inputs that used to pass unchecked: duplicate ids, header-only files, hidden answers,
numbers in messages, a share of exactly 1 with rounding noise in its SE."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.designs import build_design
from analysis.estimation import survey_shares_by
from analysis.estimation._intervals import SE_TOLERANCE
from analysis.estimation._frames import as_design, run
from analysis.estimation.estimates import _indicators
from analysis.questionnaire import load
from analysis.files import read_enrolment, read_responses
from analysis.scoring import recode_items, score
from analysis.simulation import simulate_city
from questionnaires import SHIPPED

BARRIERS = ["bar_cost", "bar_far", "bar_time", "bar_parents", "bar_unknown", "bar_home",
            "bar_alone", "bar_interest", "bar_welcome"]


@pytest.fixture(scope="module")
def shipped():
    return load(SHIPPED)


@pytest.fixture(scope="module")
def city_files(shipped, tmp_path_factory):
    return simulate_city(shipped, 120, districts=3, schools=4, seed=7).write(
        tmp_path_factory.mktemp("city"))


def _rewrite(path, tmp_path, change):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = tmp_path / "changed.csv"
    change(frame).to_csv(out, index=False)
    return out


def test_duplicate_response_ids_are_refused_and_named(shipped, city_files, tmp_path):
    def duplicate(frame):
        twice = pd.concat([frame, frame.iloc[[5]]], ignore_index=True)   # the same row twice
        twice.loc[9, "response_id"] = twice.loc[2, "response_id"]          # two pupils, one id
        return twice
    path = _rewrite(city_files["responses"], tmp_path, duplicate)
    frame = pd.read_csv(path, dtype=str)
    ids = [frame.loc[5, "response_id"], frame.loc[2, "response_id"]]
    with pytest.raises(ValueError, match="occur more than once") as error:
        read_responses(path, shipped)
    assert all(f"{i} (2 rows)" in str(error.value) for i in ids)
    assert str(error.value).startswith("changed.csv: 2 response_id values")
    # the library refuses them too, before estimating anything
    scored = score(pd.concat([frame.iloc[:20], frame.iloc[[3]]]), shipped, errors="coerce")
    with pytest.raises(ValueError, match="occur more than once"):
        build_design(scored)


def test_header_only_files_name_the_file_and_the_problem(shipped, city_files, tmp_path):
    path = _rewrite(city_files["responses"], tmp_path, lambda f: f.iloc[:0])
    with pytest.raises(ValueError, match=r"^changed.csv: no responses \(the file has a header"):
        read_responses(path, shipped)
    path = _rewrite(city_files["enrolment"], tmp_path, lambda f: f.iloc[:0])
    with pytest.raises(ValueError, match=r"^changed.csv: no enrolment"):
        read_enrolment(path)


def test_numbers_in_messages_are_plain(shipped, city_files, tmp_path):
    def bad_sleep(frame):
        frame.loc[3, "sleep_hours"] = "25"
        return frame
    with pytest.raises(ValueError) as error:
        read_responses(_rewrite(city_files["responses"], tmp_path, bad_sleep), shipped)
    assert "line 5 has 25" in str(error.value) and "np." not in str(error.value)

    def half_hours(frame):  # sleep_hours has one decimal in the definition: 7.5 is fine
        frame.loc[4, "sleep_hours"] = "7.5"
        return frame
    assert read_responses(_rewrite(city_files["responses"], tmp_path, half_hours),
                          shipped)["sleep_hours"].iloc[4] == 7.5

    def quarter_hours(frame):
        frame.loc[4, "sleep_hours"] = "7.25"
        return frame
    with pytest.raises(ValueError, match="numbers with at most 1 decimal from 3 to 14; "
                                         "line 6 has 7.25"):
        read_responses(_rewrite(city_files["responses"], tmp_path, quarter_hours), shipped)


def test_answers_to_hidden_items_count_as_missing(shipped):
    """Barrier items are shown only to pupils who wish for more activities (act_wish = 1)."""
    rows = simulate_city(shipped, 8, districts=1, schools=1, seed=2).responses.iloc[:4].copy()
    rows[BARRIERS] = 1   # a CSV from another source: every barrier answered "yes"
    rows["act_wish"] = pd.Series([1, 0, None, "1"], index=rows.index, dtype=object)
    assert score(rows, shipped)["activity_barriers"].tolist()[0] == 1.0
    scores = score(rows, shipped)["activity_barriers"].to_numpy()
    assert scores[0] == 1.0 and scores[3] == 1.0 and np.isnan(scores[1:3]).all()
    recoded = recode_items(rows, shipped, BARRIERS)
    assert recoded.iloc[[1, 2]].isna().all().all() and recoded.iloc[[0, 3]].eq(1.0).all().all()
    # without the condition's column nothing can be decided: the answers are kept
    assert recode_items(rows.drop(columns="act_wish"), shipped, BARRIERS).eq(1.0).all().all()


def test_a_share_of_one_with_rounding_noise_keeps_its_interval():
    """Weights whose sums differ in the last bit leave a share of 1 with an SE of ~1e-17."""
    rng = np.random.default_rng(11)
    n = 400
    d = pd.DataFrame({"school": rng.integers(0, 12, n), "district": rng.integers(0, 3, n),
                      "w": rng.uniform(0.1, 3.0, n)})
    d["friend"] = np.where(d["district"] == 0, "yes", rng.choice(["yes", "no"], n))
    d.loc[d.sample(40, random_state=1).index, "friend"] = None
    noisy = 0
    for seed in range(40):
        d["w"] = np.random.default_rng(seed).uniform(0.1, 3.0, n)
        design = as_design(d, "school", None, "w", "adjust")
        st, _ = run(design, _indicators(d, {"friend": ["yes"]})[0], "district")
        if 0 < st.variance[0, 0] < SE_TOLERANCE ** 2 or st.estimate[0, 0] != 1.0:
            noisy += 1
            res = survey_shares_by(design, {"friend": ["yes"]})
            row = res[res["group"] == 0].iloc[0]
            assert row["estimate"] == 1.0 and row["se"] == 0.0
            assert row["ci_high"] == 1.0 and 0.9 < row["ci_low"] < 1.0
    assert noisy > 0, "the data must produce the rounding noise the fix is for"
