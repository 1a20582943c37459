"""The vectorised scorer agrees with a naive per-pupil reading of the rules.

No R function: the reference is :func:`naive_score` below, a direct
transcription of the format's rules, one pupil and one scale at a time. Both
the answers and the definition (min_answered, cuts, label order, index bounds,
min_scored, assets) are drawn by hypothesis.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.questionnaire.model import Questionnaire
from analysis.scoring import score

ITEMS = ["happy_1", "happy_2", "happy_3", "sad_1", "sad_2", "club"]
CATS = ["low", "medium", "high"]
answer = st.sampled_from([None, np.nan, "", 1, 2, 3, 4, 99, "1", "4", 2.0])
club = st.sampled_from([None, 0, 1, "0", "1"])
cut = st.sampled_from([1.0, 1.5, 2.0, 2.25, 2.5, 8 / 3, 3.0, 3.5, 4.0])


@st.composite
def definitions(draw, base):
    d = copy.deepcopy(base)
    d["scales"].append({
        "id": "club_life", "label": {"en": "Club"}, "domain": "environments",
        "items": ["club", "happy_3"], "scoring": {"min_answered": 1}, "range": [0, 4],
        "categories": {"cuts": [0.75], "labels": ["low", "high"], "rationale": "t"}})
    d["pages"][1]["items"][5]["reverse"] = draw(st.booleans())
    for scale in d["scales"]:
        n = len(scale["items"])
        scale["scoring"]["min_answered"] = draw(st.integers(1, n))
        k = draw(st.integers(1, 2))
        cuts = sorted(draw(st.lists(cut, min_size=k, max_size=k, unique=True)))
        labels = [["low", "high"], ["low", "medium", "high"]][k - 1]
        if draw(st.booleans()):
            labels = labels[::-1]
        scale["categories"].update(cuts=cuts, labels=labels)
    index = d["indices"][0]
    index["scales"] = ["life_satisfaction", "sadness", "club_life"]
    index["min_scored"] = draw(st.integers(1, 3))
    bounds = st.dictionaries(st.sampled_from(CATS), st.integers(0, 3), max_size=2)
    for level in index["levels"]:
        level["at_least"], level["at_most"] = draw(bounds), draw(bounds)
    d["assets"][0]["present_if"] = draw(
        st.lists(st.sampled_from(CATS), min_size=1, max_size=3, unique=True))
    return Questionnaire.model_validate(d)


def naive_score(row: dict, q: Questionnaire) -> dict:
    """Score one pupil by reading the rules literally."""
    out, category = {}, {}
    for scale in q.scales:
        values = []
        for code in scale.items:
            item = q.item(code)
            options = q.answer_scale(item.answer_scale)
            raw = row[code]
            if raw is None or raw == "" or (isinstance(raw, float) and math.isnan(raw)):
                continue
            x = float(raw)
            if x not in options.values:  # prefer not to say
                continue
            values.append(min(options.values) + max(options.values) - x if item.reverse else x)
        s = sum(values) / len(values) if len(values) >= scale.scoring.min_answered else None
        out[scale.id] = s
        if s is None:
            category[scale.id] = None
        else:
            category[scale.id] = scale.categories.labels[sum(c <= s for c in scale.categories.cuts)]
        out[f"{scale.id}_category"] = category[scale.id]
    for index in q.indices:
        cats = [category[s] for s in index.scales if category[s] is not None]
        out[index.id] = None
        if len(cats) >= index.min_scored:
            for level in index.levels:
                if all(cats.count(c) >= k for c, k in level.at_least.items()) and all(
                        cats.count(c) <= k for c, k in level.at_most.items()):
                    out[index.id] = level.id
                    break
    for asset in q.assets:
        c = category[asset.scale]
        out[asset.id] = None if c is None else c in asset.present_if
    return out


@st.composite
def cases(draw, base):
    q = draw(definitions(base))
    rows = draw(st.lists(st.tuples(*[answer] * 5, club), min_size=1, max_size=40))
    return q, pd.DataFrame(rows, columns=ITEMS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_vectorised_equals_naive(small_dict, data):
    q, responses = data.draw(cases(small_dict))
    got = score(responses, q)
    expected = [naive_score(r, q) for r in responses.to_dict("records")]
    for column in expected[0]:
        want = [row[column] for row in expected]
        have = [None if pd.isna(v) else v for v in got[column].astype(object)]
        assert have == want, column
