"""The counts the reports print beside the tables give back no hidden figure.

Found by attacking the wave report (issue 12). The report says how many questionnaires
were analysed, and its Table 1 how many pupils of each school type and grade answered.
For a scale every pupil answered, these are sums of the schools' ``n``: a school type's
rows minus the other schools of that type gave a hidden small school's pupils (two
Realschulen, the small one 6 pupils), and where disclosure control had chosen the only
school of another type as the complementary cell, that type's rows gave it back. Since
the counts are passed to disclosure control (``published_counts``), the complementary
cells are chosen where no printed count reaches.

The attacker is independent of the defender's code: the unknowns are the pupils of each
school in each grade it has classes of (known from the class lists); every shown ``n``
of a school, of a municipality's schools and of the region, of every measure all pupils
answered, the headline and every shown Table 1 row is an exact equation; a hidden
school's (or municipality's) pupils, or a school's grade of fewer than K, is recovered
when its vector lies in the span of the equations (exact rational arithmetic).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pandas as pd
import pytest
from sqlalchemy import select

from analysis.questionnaire import load
from analysis.simulation import simulate_city
from questionnaires import SHIPPED
from survey_app.demo.responses import _store
from survey_app.extensions import db
from survey_app.models import (District, Response, ResultEstimate, ResultSet, School, SchoolClass,
                               Wave)
from survey_app.reports.responses import marked_tables
from survey_app.services import results, results_counted
from survey_app.services.results_response_table import stored_tables
from tests.results.test_region_wave_disclosure import _answer_all, _town

K = 10
ALL_ANSWER = tuple(f"ah_{i}" for i in range(1, 7))  # the scale every pupil is made to answer


def _add_school(municipality_id: int, name: str, school_type: str, grades: dict[int, int],
                seed: int = 91) -> None:
    """A school with one class per grade, ``grades[g]`` of whose pupils answered."""
    questionnaire = load(SHIPPED)
    wave = db.session.scalar(select(Wave))
    district = db.session.scalar(select(District).where(
        District.municipality_id == municipality_id).order_by(District.code))
    school = School(municipality_id=municipality_id, name=name, school_type=school_type)
    db.session.add(school)
    db.session.flush()
    answers = simulate_city(questionnaire, max(40, sum(grades.values())), districts=1, schools=1,
                            seed=seed, city_seed=seed).responses
    district_item = questionnaire.item_by_role("district").code
    start = 0
    for grade, pupils in grades.items():
        school_class = SchoolClass(wave_id=wave.id, school_id=school.id, name=f"{grade}k",
                                   grade=grade, enrolled=pupils + 2)
        db.session.add(school_class)
        db.session.flush()
        for _, row in answers.iloc[start:start + pupils].iterrows():
            row = row.copy()
            row[district_item] = "01"
            _store(db.session, wave, school_class, questionnaire, row,
                   {"01": str(district.id)}, dt.date.today())
        start += pupils
    db.session.flush()


def _release() -> ResultSet:
    wave = db.session.scalar(select(Wave))
    _answer_all(wave, ALL_ANSWER)
    result_set = results.compute_results(db.session, wave, load(SHIPPED), min_group_size=K)
    results.release_results(db.session, None, result_set)
    db.session.commit()
    return result_set


# --------------------------------------------------------------------------- the attacker
def _published(result_set: ResultSet) -> dict:
    """What the attacker holds, and the truth to check him against."""
    table = ResultEstimate.__table__
    rows = pd.DataFrame(db.session.execute(select(table).where(
        table.c.result_set_id == result_set.id)).mappings().all())
    pupils = results_counted.load(result_set.counted)
    counted = set(pupils["response_id"].astype(int))
    truth: dict[tuple[int, int], int] = {}
    for response_id, school_id, grade in db.session.execute(
            select(Response.id, SchoolClass.school_id, SchoolClass.grade)
            .join(SchoolClass, SchoolClass.id == Response.class_id)
            .where(Response.wave_id == result_set.wave_id)):
        if response_id in counted:
            truth[(school_id, grade)] = truth.get((school_id, grade), 0) + 1
    cells = sorted({(school, grade) for school, grade in db.session.execute(
        select(SchoolClass.school_id, SchoolClass.grade).where(
            SchoolClass.wave_id == result_set.wave_id))})
    schools = {s.id: (s.municipality_id, s.school_type) for s in db.session.scalars(select(School))}
    full = [m for m in pupils.columns if m in set(rows["measure"]) and pupils[m].notna().all()]
    return {"rows": rows[rows["measure"].isin(full)], "truth": truth, "cells": cells,
            "schools": schools, "table1": marked_tables(stored_tables(result_set), K),
            "headline": result_set.shown_responses}


def _equations(data: dict) -> list[tuple[frozenset, int]]:
    cells, schools = data["cells"], data["schools"]

    def where(school=None, municipality=None, school_type=None, grade=None) -> frozenset:
        return frozenset(c for c in cells if (school is None or c[0] == school)
                         and (municipality is None or schools[c[0]][0] == municipality)
                         and (school_type is None or (schools[c[0]][1] or None) == school_type)
                         and (grade is None or c[1] == grade))

    found = [(frozenset(cells), data["headline"])]
    for row in data["rows"][~data["rows"]["suppressed"].astype(bool)].itertuples():
        if row.group_var == "school":
            found.append((where(municipality=int(row.municipality_id)) if row.group_key == "all"
                          else where(school=int(row.school_id)), int(row.n)))
        elif row.group_var == "municipality":
            found.append((frozenset(cells) if row.group_key == "all"
                          else where(municipality=int(row.group_key)), int(row.n)))
    for municipality, rows in data["table1"].items():
        for row in rows:
            if not row.hidden:
                found.append((where(municipality=int(municipality), school_type=row.school_type,
                                    grade=row.grade), row.submitted))
    return found


def _targets(data: dict) -> list[tuple[str, frozenset, int]]:
    cells, schools, rows = data["cells"], data["schools"], data["rows"]
    found = []
    schooled = rows[rows["group_var"].isin(["school", "municipality"])]  # districts: not by school
    for (group_var, key), group in schooled.groupby(["group_var", "group_key"]):
        for municipality, part in group.groupby(group["municipality_id"].fillna(-1)):
            if not part["suppressed"].astype(bool).all():
                continue
            if group_var == "school" and key != "all":
                members = frozenset(c for c in cells if c[0] == int(part["school_id"].iloc[0]))
            elif group_var == "municipality" and key == "all":
                members = frozenset(cells)  # the region
            else:  # a municipality's schools
                place = int(municipality) if group_var == "school" else int(key)
                members = frozenset(c for c in cells if schools[c[0]][0] == place)
            found.append((f"{group_var} {key} of {municipality}", members, 0))
    found += [(f"school {c[0]} grade {c[1]}", frozenset([c]), 0) for c in cells
              if 0 < data["truth"].get(c, 0) < K]
    return [(what, members, sum(data["truth"].get(c, 0) for c in members))
            for what, members, _ in found]


def attack(data: dict) -> list[tuple[str, Fraction]]:
    """Every target whose value the equations determine (checked against the truth)."""
    index = {c: i for i, c in enumerate(data["cells"])}
    basis: dict[int, tuple[dict[int, Fraction], Fraction]] = {}  # pivot -> reduced row, value

    def reduce(row: dict[int, Fraction], value: Fraction):
        for pivot in sorted(set(row) & set(basis)):
            factor = row.get(pivot)
            if factor:
                other, other_value = basis[pivot]
                for c, v in other.items():
                    row[c] = row.get(c, Fraction(0)) - factor * v
                    if not row[c]:
                        del row[c]
                value -= factor * other_value
        return row, value

    for members, value in _equations(data):
        row, rest = reduce({index[c]: Fraction(1) for c in members}, Fraction(value))
        if row:
            pivot = min(row)
            scale = row[pivot]
            row = {c: v / scale for c, v in row.items()}
            rest /= scale
            for key, (other, other_value) in list(basis.items()):
                factor = other.get(pivot)
                if factor:
                    merged = {c: other.get(c, Fraction(0)) - factor * row.get(c, Fraction(0))
                              for c in set(other) | set(row)}
                    basis[key] = ({c: v for c, v in merged.items() if v}, other_value - factor * rest)
            basis[pivot] = (row, rest)
    found = []
    for what, members, truth in _targets(data):
        row, value = reduce({index[c]: Fraction(-1) for c in members}, Fraction(0))
        if not row:
            assert value == truth, what  # the attack is real
            found.append((what, value))
    return found


# --------------------------------------------------------------------------- scenarios
def _two_realschulen(demo) -> None:
    _add_school(demo.municipality_id, "Realschule Klein", "realschule", {7: 6})


def _a_complement_of_its_own_type(demo) -> None:
    _add_school(demo.municipality_id, "Realschule Klein", "realschule", {7: 12})
    _add_school(demo.municipality_id, "Förderschule", "foerderschule", {6: 5}, seed=92)


def _one_grade_each(demo) -> None:
    _add_school(demo.municipality_id, "Realschule Groß", "realschule", {8: 80}, seed=93)
    _add_school(demo.municipality_id, "Realschule Klein", "realschule", {8: 6})


def _a_complement_alone_in_its_grade(demo) -> None:
    """Table 1 hides the Förderschule's row and, as its top-up, Hauptschule A's grade 6;
    Hauptschule B is the only one of its type with grade 8 (found by attacking)."""
    _add_school(demo.municipality_id, "Förderschule", "foerderschule", {7: 6}, seed=92)
    _add_school(demo.municipality_id, "Hauptschule A", "hauptschule", {6: 11, 9: 30}, seed=95)
    _add_school(demo.municipality_id, "Hauptschule B", "hauptschule", {8: 12}, seed=96)


def _region_with_a_lone_hauptschule(demo) -> None:
    _add_school(demo.municipality_id, "Hauptschule Mitte", "hauptschule", {5: 16, 6: 16}, seed=94)
    _town(demo, complete=ALL_ANSWER)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("scenario", [_two_realschulen, _a_complement_of_its_own_type,
                                      _one_grade_each, _a_complement_alone_in_its_grade,
                                      _region_with_a_lone_hauptschule])
def test_no_hidden_school_or_town_is_recovered(app, demo, scenario):
    with app.test_request_context():
        scenario(demo)
        result_set = db.session.scalar(select(ResultSet).where(ResultSet.state == "released")) \
            or _release()
        data = _published(result_set)
    assert len(_targets(data)) >= 2, "the scenario hides a small school"
    assert attack(data) == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_positive_control_without_the_counts_the_small_school_is_recovered(app, demo,
                                                                           monkeypatch):
    monkeypatch.setattr(results, "published_counts", lambda *args: {})
    with app.test_request_context():
        _two_realschulen(demo)
        data = _published(_release())
    found = dict(attack(data))
    assert 6 in [value for what, value in found.items() if what.startswith("school ")], found
