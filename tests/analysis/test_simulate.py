"""The simulated city: deterministic, well-formed, answers within the definition."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.questionnaire import DONT_KNOW, load
from analysis.simulation import FIXED_COLUMNS, simulate_city
from questionnaires import SHIPPED

SMALL = Path(__file__).parents[1] / "questionnaire" / "files" / "small.yaml"


@pytest.fixture(scope="module")
def shipped():
    return load(SHIPPED)


@pytest.fixture(scope="module")
def city(shipped):
    return simulate_city(shipped, 3000, districts=9, schools=8, seed=11)


def test_same_seed_gives_identical_files_and_another_seed_does_not(shipped, tmp_path):
    a = simulate_city(shipped, 400, districts=5, seed=3).write(tmp_path / "a")
    b = simulate_city(shipped, 400, districts=5, seed=3).write(tmp_path / "b")
    c = simulate_city(shipped, 400, districts=5, seed=4).write(tmp_path / "c")
    for name in ("responses", "districts", "enrolment"):
        assert a[name].read_bytes() == b[name].read_bytes(), name
        assert a[name].read_bytes() != c[name].read_bytes(), name


def test_columns_are_the_fixed_ones_then_every_item_in_order(city, shipped):
    columns = list(city.responses.columns)
    assert columns[:8] == list(FIXED_COLUMNS)
    items = [i.code for i in shipped.items if i.code not in FIXED_COLUMNS]
    assert columns[8:] == items
    assert len(city.responses) == 3000
    assert city.responses["response_id"].is_unique


def test_answers_lie_in_their_answer_scales(city, shipped):
    r = city.responses
    for item in shipped.items:
        values = r[item.code].dropna()
        if item.type == "number":
            assert values.between(item.min, item.max).all(), item.code
        elif item.type == "wave_list":
            codes = {f["properties"]["code"] for f in city.districts["features"]}
            assert set(values) <= codes | {DONT_KNOW}
            assert (values == DONT_KNOW).any()
        elif item.type != "text":
            allowed = set(shipped.answer_scale(item.answer_scale).all_values)
            assert set(values.astype(int)) <= allowed, item.code


def test_the_scoring_module_accepts_the_simulated_answers(city, shipped):
    scoring = pytest.importorskip("analysis.scoring")
    scored = scoring.score(city.responses, shipped)
    for scale in shipped.scales:
        if any(shipped.item(code).show_if for code in scale.items):
            continue  # asked only of some pupils
        assert scored[scale.id].notna().mean() > 0.8, scale.id


def test_missing_answers_drop_outs_and_prefer_not_to_say_occur(city, shipped):
    r = city.responses
    items = [i.code for i in shipped.items if i.type not in ("text",) and not i.show_if]
    share_missing = r[items].isna().to_numpy().mean()
    assert 0.01 < share_missing < 0.2
    last_page = next(codes for codes in ([i.code for i in p.items if i.code in items]
                                         for p in reversed(shipped.pages)) if codes)
    first_page = [i.code for i in shipped.pages[0].items]
    dropped = r[last_page].isna().all(axis=1) & r[first_page].notna().any(axis=1)
    assert 0.02 < dropped.mean() < 0.15
    bully = shipped.scale("bullied").items[0]
    pnts = shipped.answer_scale(shipped.item(bully).answer_scale).prefer_not_to_say.value
    assert (r[bully] == pnts).any()
    text = [i.code for i in shipped.items if i.type == "text"]
    assert r[text].isna().mean().min() > 0.8


def test_demographic_items_agree_with_the_fixed_columns(city, shipped):
    r = city.responses
    assert r["grade"].notna().all()
    assert (r["class"].str.extract(r"^(\d+)")[0].astype(int) == r["grade"]).all()
    assert set(r["language"]) <= set(shipped.language_codes)
    gender_values = set(shipped.answer_scale("gender").all_values)
    assert set(r["gender"].dropna().astype(int)) <= gender_values


def test_enrolment_is_larger_than_the_respondents_in_every_cell(city):
    e = city.enrolment.set_index(["school", "grade", "gender"])["pupils"]
    answered = city.responses.dropna(subset=["gender"]).astype({"gender": int})
    answered = answered[answered["gender"] != 99].groupby(["school", "grade", "gender"]).size()
    assert (e.reindex(answered.index).fillna(0) >= answered).all()
    assert e.sum() > len(city.responses)


def test_schools_draw_pupils_from_several_districts(city):
    r = city.responses[city.responses["district"] != DONT_KNOW]
    per_school = r.groupby("school")["district"].nunique()
    assert (per_school > 1).mean() > 0.5


def _ring_is_simple(ring) -> bool:
    edges = list(zip(ring[:-1], ring[1:]))
    for (i, e), (j, f) in itertools.combinations(enumerate(edges), 2):
        if abs(i - j) in (1, len(edges) - 1):
            continue
        if _cross(*e, *f):
            return False
    return True


def _cross(p1, p2, p3, p4) -> bool:
    def orient(a, b, c):
        return np.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))
    return (orient(p1, p2, p3) != orient(p1, p2, p4)) and (orient(p3, p4, p1) != orient(p3, p4, p2))


def _inside(point, ring) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring[:-1], ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_districts_are_valid_non_overlapping_polygons(shipped):
    city = simulate_city(shipped, 100, districts=14, schools=3, seed=5)
    features = city.districts["features"]
    assert city.districts["type"] == "FeatureCollection" and len(features) == 14
    rings = []
    for feature in features:
        props, geometry = feature["properties"], feature["geometry"]
        assert {"code", "name", "deprivation"} <= set(props)
        assert 0 <= props["deprivation"] <= 1
        assert geometry["type"] == "Polygon"
        ring = geometry["coordinates"][0]
        assert len(ring) >= 4 and ring[0] == ring[-1]
        area2 = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring[:-1], ring[1:]))
        assert area2 > 0  # counter-clockwise exterior ring (RFC 7946)
        assert _ring_is_simple(ring)
        rings.append(ring)
    assert len({f["properties"]["code"] for f in features}) == 14
    assert len({f["properties"]["name"] for f in features}) == 14
    xs = [p[0] for r in rings for p in r]
    ys = [p[1] for r in rings for p in r]
    rng = np.random.default_rng(0)
    points = np.column_stack([rng.uniform(min(xs), max(xs), 3000),
                              rng.uniform(min(ys), max(ys), 3000)])
    hits = np.array([[_inside(p, r) for r in rings] for p in points]).sum(axis=1)
    assert hits.max() == 1


def test_true_means_follow_deprivation_and_match_large_samples(shipped):
    city = simulate_city(shipped, 60_000, districts=4, schools=120, seed=2)
    deprivation = {f["properties"]["code"]: f["properties"]["deprivation"]
                   for f in city.districts["features"]}
    scoring = pytest.importorskip("analysis.scoring")
    scored = scoring.score(city.responses, shipped)
    observed = scored.groupby("district")[[s.id for s in shipped.scales]].mean()
    truth = city.true_means
    diff = (observed.loc[truth.index] - truth).abs().to_numpy()
    assert np.median(diff) < 0.05 and diff.max() < 0.2
    order = sorted(deprivation, key=deprivation.get)
    assert truth.loc[order[0], "life_satisfaction"] > truth.loc[order[-1], "life_satisfaction"]
    assert city.latent_means.shape == truth.shape


def test_small_questionnaire_respects_display_conditions():
    q = load(SMALL)
    r = simulate_city(q, 500, districts=3, schools=2, seed=1).responses
    assert r.loc[r["club"] != 1, "club_name"].isna().all()
    assert r["happy_3"].notna().any()


def test_progress_bar_goes_to_stderr_only_when_asked(shipped, capsys):
    simulate_city(shipped, 50, districts=2, schools=1, seed=0)
    assert capsys.readouterr().err == ""
    simulate_city(shipped, 50, districts=2, schools=1, seed=0, progress=True)
    assert "page" in capsys.readouterr().err


@pytest.mark.parametrize("kwargs, message", [
    ({"pupils": 0}, "pupils"), ({"pupils": 10, "districts": 0}, "districts"),
    ({"pupils": 10, "schools": -1}, "schools"), ({"pupils": 2.5}, "pupils"),
])
def test_bad_arguments_raise_value_error(shipped, kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate_city(shipped, **kwargs)


def test_a_questionnaire_is_required():
    with pytest.raises(ValueError, match="Questionnaire"):
        simulate_city(pd.DataFrame(), 10)
