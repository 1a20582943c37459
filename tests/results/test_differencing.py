"""No hidden figure of a wave's stored results can be recovered by differencing (issue 11, 1b).

The attacker holds every stored table of a region wave at once: the districts
of each municipality (where pupils live, with "don't know" and the
municipality's total), the schools of each municipality with their total, and
the municipalities of the region with the region's total. He knows which
pupils each row describes and that pupil counts ``n``, sums ``n * mean`` and
category counts ``n * share`` add up. Each pupil belongs to an atom (the
pupils that no published grouping tells apart); every stored figure is an
exact linear equation in the atoms' unknown counts and sums, and a hidden
figure is recovered when its vector lies in the span of the published ones
(exact rational arithmetic, as in tests/analysis/test_disclosure_differencing.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select, update

from analysis.pipeline import measures
from analysis.questionnaire import DONT_KNOW, load
from analysis.scoring import score
from questionnaires import SHIPPED
from survey_app.extensions import db
from survey_app.models import (Answer, District, Municipality, Response, ResultEstimate, School,
                               SchoolClass, Wave)
from survey_app.services import results
from survey_app.services.frames import responses_frame
from survey_app.services.submitted_answers import renew
from tests.analysis.test_disclosure_differencing import Span


def region_wave(wave_id: int, municipality_id: int) -> Wave:
    """The demo wave run across its region: a small town whose one school has one class.

    The town's pupils live in its one district (those who named one), so that
    the town's totals are below the threshold while the city's are not.
    """
    wave = db.session.get(Wave, wave_id)
    city = db.session.get(Municipality, municipality_id)
    town = Municipality(name="Zweitstadt", region_id=city.region_id)
    village = District(municipality=town, code="01", name="Dorfmitte")
    school = School(municipality=town, name="Dorfschule")
    db.session.add_all([village, school])
    moved = db.session.scalar(select(SchoolClass).join(School).where(
        School.name == "Realschule Ostfeld", SchoolClass.wave_id == wave_id).order_by(SchoolClass.id))
    moved.school = school
    wave.municipality_id, wave.region_id = None, city.region_id
    db.session.flush()
    item = load(SHIPPED).item_by_role("district").code
    theirs = select(Response.id).where(Response.class_id == moved.id)
    db.session.execute(update(Answer).where(
        Answer.item_code == item, Answer.value != DONT_KNOW,
        Answer.response_id.in_(theirs)).values(value=str(village.id)))
    db.session.flush()
    renew(db.session.connection(), theirs)  # answers corrected by hand: their text too
    return wave


def stored_rows(result_set_id: int) -> pd.DataFrame:
    table = ResultEstimate.__table__
    rows = db.session.execute(select(table).where(table.c.result_set_id == result_set_id)).all()
    frame = pd.DataFrame(rows, columns=[c.key for c in table.columns])
    frame["municipality_id"] = frame["municipality_id"].fillna(-1).astype(int)  # -1: the region
    return frame


def row_masks(rows: pd.DataFrame, pupils: pd.DataFrame, homes: dict) -> dict:
    """Which pupils each stored group describes (as a planner of the region knows)."""
    home = pupils["district_id"].map(lambda d: homes.get(int(d)) if pd.notna(d) else np.nan)
    school_mun = pupils["municipality_id"].astype(float)
    pupils = pupils.assign(district_id=pupils["district_id"].astype(float), school_id=pupils["school_id"].astype(float))
    masks = {}
    for key in rows[["group_var", "municipality_id", "group_key"]].drop_duplicates().itertuples(index=False):
        var, municipality, group = key
        if var == "district":
            area = (home == municipality) | (home.isna() & (school_mun == municipality))
            if group == "all":
                mask = area
            elif group == DONT_KNOW:
                mask = area & home.isna() & (pupils["district"] == DONT_KNOW)
            else:
                mask = pupils["district_id"].astype(float) == float(group)
        elif var == "school":
            mask = school_mun == municipality if group == "all" \
                else pupils["school_id"].astype(float) == float(group)
        else:
            mask = school_mun.notna() if group == "all" else school_mun == float(group)
        masks[tuple(key)] = mask.astype("boolean").fillna(False).to_numpy(bool)
    return masks


def attack(releases: list, pupils: pd.DataFrame, masks: dict, questionnaire, min_n: int,
           unpublished: dict = None) -> list:
    """Hidden stored figures (n, counts, sums) that the published ones determine.

    ``releases`` is a list of ``(rows, counted)``: the stored rows of a release
    and which of ``pupils`` it counted (boolean array). Every pupil is in a
    cell of (district label x school x the releases that counted them): the
    district's id, or "don't know" / no answer within the municipality of the
    school; every such cell is an unknown (populated or not), as in the
    library's attack model. Targets: every hidden figure; the pupils a group
    gained or lost between two releases when fewer than ``min_n``; and the
    ``unpublished`` groups of pupils (name -> mask) of fewer than ``min_n``.
    """
    means, shares = measures(questionnaire)
    label_levels, label_code = np.unique(pupils["_label"].to_numpy(object).astype(str),
                                         return_inverse=True)
    school_levels, school_code = np.unique(pupils["school_id"].to_numpy(float), return_inverse=True)
    patterns = [tuple(bool(c[i]) for _, c in releases) for i in range(len(pupils))]
    statuses = sorted(set(patterns))
    status_code = np.array([statuses.index(p) for p in patterns])

    def cells_of(mask, release=None):
        """All cells of the labels (or schools) the mask spans, in the statuses of ``release``."""
        hit_labels, hit_schools = set(label_code[mask]), set(school_code[mask])
        whole = all((label_code == c).sum() == (mask & (label_code == c)).sum() for c in hit_labels)
        base = [(c, s) for c in hit_labels for s in range(len(school_levels))] if whole else \
            [(c, s) for s in hit_schools for c in range(len(label_levels))]
        wanted = [k for k, st in enumerate(statuses) if release is None or st[release]]
        return sorted((c * len(school_levels) + s) * len(statuses) + k for c, s in base for k in wanted)

    found = []
    for measure in means + list(shares):
        cats = ["_"] if measure in means else [str(c) for c in shares[measure]]
        has = pupils[measure].notna().to_numpy()
        span_n, span_s, targets, shown = Span(), Span(), [], set()

        def vector(cells, cat=None, sign=None):
            return {int(c * len(cats) + k): (1 if sign is None else sign(c)) for c in cells
                    for k in (range(len(cats)) if cat is None else [cats.index(cat)])}

        for r, (rows, counted) in enumerate(releases):
            own = rows[(rows["measure"] == measure) | rows["measure"].str.startswith(measure + "=")]
            for row in own.itertuples():
                cells = cells_of(masks[(row.group_var, row.municipality_id, row.group_key)], r)
                cat = row.measure.split("=", 1)[1] if row.statistic == "share" else None
                total = vector(cells)
                name = (row.group_var, row.municipality_id, row.group_key, row.measure)
                if row.suppressed:
                    if cat is not None:
                        targets.append((name + ("count",), vector(cells, cat), "n"))
                    else:
                        targets += [(name + ("n",), total, "n"), (name + ("sum",), total, "sum")]
                    continue
                shown.add(frozenset(total.items()))
                span_n.add(total, float(row.n))
                if cat is not None:
                    part = vector(cells, cat)
                    shown.add(frozenset(part.items()))
                    span_n.add(part, float(row.n) * float(row.estimate))
                else:
                    span_s.add(total, float(row.n) * float(row.estimate))
        for name, mask in (unpublished or {}).items():
            if 0 < int((mask & has).sum()) < min_n:
                total = vector(cells_of(mask))
                targets += [((name, measure, "n"), total, "n"), ((name, measure, "sum"), total, "sum")]
        for r1 in range(len(releases)):
            for r2 in range(r1 + 1, len(releases)):
                changed = np.array([p[r1] != p[r2] for p in patterns])
                for key, mask in masks.items():
                    if 0 < int((mask & has & changed).sum()) < min_n:
                        cells = [c for c in cells_of(mask)
                                 if statuses[c % len(statuses)][r1] != statuses[c % len(statuses)][r2]]
                        sign = lambda c: 1 if statuses[c % len(statuses)][r2] else -1  # noqa: E731
                        vec = vector(cells, sign=sign)
                        targets += [(("difference", r1, r2, *key, measure, "n"), vec, "n"),
                                    (("difference", r1, r2, *key, measure, "sum"), vec, "sum")]
        for what, vec, kind in targets:
            if not vec or frozenset(vec.items()) in shown:
                continue  # the same pupils' figure is published elsewhere
            if kind == "sum" and measure not in means:
                continue
            if (span_n if kind == "n" else span_s).value_of(vec) is not None:
                found.append(what)
    return found


def district_labels(pupils: pd.DataFrame, homes: dict) -> pd.Series:
    """A pupil's district, or "don't know" / no answer within the municipality of the school."""
    named = pupils["district_id"].notna()
    school_mun = pupils["municipality_id"].astype(int).astype(str)
    return pd.Series(np.where(named, pupils["district_id"].astype(float).astype(str),
                              pupils["district"].fillna("none").astype(str) + "@" + school_mun),
                     index=pupils.index)


def careless_compute(wave, questionnaire, min_group_size):
    """The positive control: each stored table protected on its own (as before)."""
    from survey_app.services import results_tables

    original = results_tables.protect
    results.protect = lambda tables, *a, **k: [original([t], *a, **k)[0] for t in tables]
    try:
        return results.compute_results(db.session, wave, questionnaire,
                                       min_group_size=min_group_size)
    finally:
        results.protect = original


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_stored_tables_of_a_region_wave_reveal_no_hidden_figure(app, demo):
    questionnaire = load(SHIPPED)
    with app.app_context():
        wave = region_wave(demo.wave_id, demo.municipality_id)
        pupils = score(responses_frame(db.session, wave, questionnaire, keys=True), questionnaire)
        homes = dict(db.session.execute(select(District.id, District.municipality_id)).all())
        alone = stored_rows(careless_compute(wave, questionnaire, 25).id)
        rows = stored_rows(results.compute_results(db.session, wave, questionnaire,
                                                   min_group_size=25).id)
    assert set(rows["group_var"]) == {"district", "school", "municipality"}
    hidden = rows[rows["suppressed"]]
    assert hidden["group_key"].nunique() >= 3 and len(hidden) > 50
    masks = row_masks(rows, pupils, homes)
    pupils["_label"] = district_labels(pupils, homes)
    home = pupils["district_id"].map(lambda d: homes.get(int(d)) if pd.notna(d) else np.nan)
    said = pupils["district"].astype(object).fillna("") == DONT_KNOW
    unpublished = {"no district answer": (pupils["district_id"].isna() & ~said).to_numpy(bool)}
    school_mun = pupils["municipality_id"].astype(float)
    for municipality in set(homes.values()):
        unpublished[f"living in {municipality}, school elsewhere"] = (
            (home == municipality) & (school_mun != municipality)).to_numpy(bool, na_value=False)
        # counted in the municipality's district total ("all"), with no row of their own
        unpublished[f"no district answer, school in {municipality}"] = (
            pupils["district_id"].isna() & ~said & (school_mun == municipality)).to_numpy(bool)
    everyone = np.ones(len(pupils), bool)
    assert attack([(rows, everyone)], pupils, masks, questionnaire, 25, unpublished) == []
    # the same tables protected one by one: the town's hidden total is the region's minus
    # the city's schools' total, for every measure
    found = attack([(alone, everyone)], pupils, masks, questionnaire, 25, unpublished)
    assert len(found) >= len(questionnaire.scales)
    assert any(what[:3] == ("municipality", -1, str(int(school_mun.max()))) for what in found)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_few_pupils_without_a_district_answer_cannot_be_worked_out(app, demo):
    """Found by attacking the demo (issue 12): the city's total minus its districts and "don't
    know" was the figures of its 9 pupils who named no district, for every measure."""
    questionnaire = load(SHIPPED)
    with app.app_context():
        wave = db.session.get(Wave, demo.wave_id)
        pupils = score(responses_frame(db.session, wave, questionnaire, keys=True), questionnaire)
        homes = dict(db.session.execute(select(District.id, District.municipality_id)).all())
        rows = stored_rows(results.compute_results(db.session, wave, questionnaire,
                                                   min_group_size=10).id)
    said = pupils["district"].astype(object).fillna("") == DONT_KNOW
    none = (pupils["district_id"].isna() & ~said).to_numpy(bool)
    means, shares = measures(questionnaire)
    small = [m for m in [*means, *shares] if 0 < (none & pupils[m].notna().to_numpy()).sum() < 10]
    assert len(small) >= 5  # the situation the attack found: fewer than 10 with these measures
    masks = row_masks(rows, pupils, homes)
    pupils["_label"] = district_labels(pupils, homes)
    everyone = np.ones(len(pupils), bool)
    assert attack([(rows, everyone)], pupils, masks, questionnaire, 10,
                  {"no district answer": none}) == []
