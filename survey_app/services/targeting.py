"""Targeting: the needs matrix and the scatter of district results against an indicator.

Both read one released result set of one municipality (its stored district
rows, which went through disclosure control when they were computed) and
the imported district indicators. The statistics are in
:mod:`analysis.targeting`: which way a measure is worse, the marks, the
n-weighted correlation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis import Questionnaire
from analysis.targeting import measure_directions, weighted_correlation, worse_than_city
from survey_app.models import (District, DistrictIndicator, Municipality, ResultEstimate,
                               ResultSet)
from survey_app.services.planner_scope import measure_choices
from survey_app.services.results import estimates_frame

#: Significance level of the adjusted p-value for a mark.
ALPHA = 0.05


@dataclass
class MatrixRow:
    """One district of the needs matrix: a state per measure and the number of marks."""

    district: District
    cells: list[str]
    marks: int


@dataclass
class NeedsMatrix:
    """Districts x measures; a cell is ``worse``, ``hidden`` (suppressed), ``none`` (no
    figure) or empty (not significantly worse)."""

    columns: list[tuple[str, str]]
    rows: list[MatrixRow] = field(default_factory=list)


def _district_frame(session: Session, result_set: ResultSet, municipality: Municipality):
    frame = estimates_frame(session, result_set, municipality.id)
    return frame[frame["district_id"].notna()]


def _matrix_frame(session: Session, result_set: ResultSet, municipality: Municipality,
                  measures: list[str]) -> pd.DataFrame:
    """Only what the matrix reads, of the districts' rows of ``measures`` (the whole stored
    table of a 60-district city cost the page most of its time)."""
    wanted = [ResultEstimate.district_id, ResultEstimate.measure, ResultEstimate.statistic,
              ResultEstimate.estimate, ResultEstimate.diff_city, ResultEstimate.p_adjusted,
              ResultEstimate.suppressed]
    rows = session.execute(select(*wanted).where(
        ResultEstimate.result_set_id == result_set.id,
        ResultEstimate.municipality_id == municipality.id,
        ResultEstimate.group_var == "district", ResultEstimate.district_id.is_not(None),
        ResultEstimate.measure.in_(measures))).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=[c.key for c in wanted])


def matrix_measures(questionnaire: Questionnaire, lang: str) -> list[tuple[str, str]]:
    """The matrix columns: every scale mean and every index level that has a direction."""
    directions = measure_directions(questionnaire)
    return [(m, label) for m, label in measure_choices(questionnaire, lang)
            if directions.get(m) and ("=" not in m or "_category=" not in m)]


def needs_matrix(session: Session, result_set: ResultSet, municipality: Municipality,
                 questionnaire: Questionnaire, lang: str, sort: str = "marks") -> NeedsMatrix:
    """Where children of a district fare significantly worse than in the whole city.

    Sorted by the number of marks (most first) or by district name.
    """
    columns = matrix_measures(questionnaire, lang)
    frame = _matrix_frame(session, result_set, municipality, [m for m, _l in columns])
    frame["worse"] = worse_than_city(frame, measure_directions(questionnaire), ALPHA) \
        if not frame.empty else []
    cells = {(int(r.district_id), r.measure): r for r in frame.itertuples()}
    matrix = NeedsMatrix(columns)
    for district in municipality.districts:
        states = []
        for measure, _label in columns:
            row = cells.get((district.id, measure))
            if row is None or (not row.suppressed and row.estimate is None):
                states.append("none")
            elif row.suppressed:
                states.append("hidden")
            else:
                states.append("worse" if row.worse else "")
        matrix.rows.append(MatrixRow(district, states, states.count("worse")))
    if sort == "name":
        matrix.rows.sort(key=lambda r: r.district.name.lower())
    else:
        matrix.rows.sort(key=lambda r: (-r.marks, r.district.name.lower()))
    return matrix


def indicator_choices(session: Session, municipality: Municipality) -> list[tuple[str, int]]:
    """Every (indicator, year) with a value for a district of the municipality."""
    return [tuple(row) for row in session.execute(
        select(DistrictIndicator.indicator, DistrictIndicator.year).distinct()
        .join(District, District.id == DistrictIndicator.district_id)
        .where(District.municipality_id == municipality.id)
        .order_by(DistrictIndicator.indicator, DistrictIndicator.year.desc())).all()]


@dataclass
class Scatter:
    """District estimates (with intervals) against an indicator, and what is left out."""

    points: list[dict]
    correlation: float
    city: float | None
    hidden: list[str]
    without_value: list[str]


def scatter(session: Session, result_set: ResultSet, municipality: Municipality,
            measure: str, indicator: str, year: int) -> Scatter:
    """The points of the scatter: only districts with a published figure and a value.

    A suppressed district is never a point (it is named in ``hidden``, with no
    figure); the correlation is weighted by each district's respondents.
    """
    frame = estimates_frame(session, result_set, municipality.id)
    frame = frame[frame["measure"] == measure]
    city = frame[frame["group_key"] == "all"]
    city_value = None if city.empty or city.iloc[0]["suppressed"] else city.iloc[0]["estimate"]
    values = dict(session.execute(
        select(DistrictIndicator.district_id, DistrictIndicator.value)
        .join(District, District.id == DistrictIndicator.district_id)
        .where(District.municipality_id == municipality.id,
               DistrictIndicator.indicator == indicator, DistrictIndicator.year == year)).all())
    rows = {int(r.district_id): r for r in frame.itertuples() if not _missing(r.district_id)}
    points, hidden, without = [], [], []
    for district in municipality.districts:
        row = rows.get(district.id)
        if row is None or row.suppressed or _missing(row.estimate):
            hidden.append(district.name)
            continue
        if district.id not in values:
            without.append(district.name)
            continue
        points.append({"label": district.name, "district_id": district.id,
                       "x": float(values[district.id]), "y": float(row.estimate),
                       "lo": None if _missing(row.ci_low) else float(row.ci_low),
                       "hi": None if _missing(row.ci_high) else float(row.ci_high),
                       "n": int(row.n)})
    correlation = weighted_correlation([p["x"] for p in points], [p["y"] for p in points],
                                       [p["n"] for p in points]) if points else math.nan
    return Scatter(points, correlation, None if _missing(city_value) else float(city_value),
                   hidden, without)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
