"""Stored results beyond districts: each school, and the municipalities of a region wave.

:func:`grouped_tables` is called by :func:`survey_app.services.results.compute_results`
for the same scored answers, and its tables are stored in the same result set:

- ``group_var = "school"``: each school of a municipality compared with the
  municipality (the coordinators' school results), estimated with the classes
  as clusters, because a school is one cluster of the district design and
  would get no standard error;
- ``group_var = "municipality"`` with ``municipality_id = None`` (only for a
  wave run across a region): each municipality's total and the region total
  (``group_key = "all"``), compared with the region.

The tables are estimated here and protected together with the district tables
(:mod:`survey_app.services.results_tables`): a school or municipality below the
threshold is stored without any figure, and no figure of one table, added to or
subtracted from others of the wave, gives a hidden one away.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from analysis.designs import build_design
from analysis.enrolment_weights import weight_to_enrolment
from analysis.questionnaire import Questionnaire
from survey_app.models import Municipality, Wave
from survey_app.services.results_tables import WaveTable, unprotected


def _design(session: Session, wave: Wave, data: pd.DataFrame, cluster: str):
    """The scored answers weighted to enrolment where every class has a count."""
    from survey_app.services.results import enrolment_table

    data = data.copy()
    data["school"] = data["school_id"].astype(str)
    data["grade"] = data["grade"].astype("Int64")
    enrolment = enrolment_table(session, wave, data["school_id"].dropna().unique())
    if enrolment is None or data["grade"].isna().any():
        return data
    enrolment["school"] = enrolment.pop("school_id").astype(str)
    design, _cells = weight_to_enrolment(data, enrolment[["school", "grade", "pupils"]],
                                         cluster=cluster)
    return design


def _records(table: pd.DataFrame, *, group_var: str, municipality_id: int | None,
             school_ids: bool) -> list[dict]:
    from survey_app.services.results import NUMBER_COLUMNS, _float, _int, _text

    rows = []
    for record in table.to_dict("records"):
        group = str(record["group"])
        suppressed = bool(record["suppressed"])
        row = {"municipality_id": municipality_id, "group_var": group_var,
               "group_key": group, "district_id": None,
               "school_id": int(group) if school_ids and group.isdigit() else None,
               "measure": str(record["measure"]), "statistic": str(record["statistic"]),
               "n": None if suppressed else _int(record.get("n")),
               "suppressed": suppressed,
               "suppression_reason": _text(record.get("suppression_reason")),
               "low_precision": bool(record.get("low_precision") or False)}
        for column in NUMBER_COLUMNS:
            row[column] = None if suppressed else _float(record.get(column))
        rows.append(row)
    return rows


def school_table(session: Session, wave: Wave, questionnaire: Questionnaire,
                 part: pd.DataFrame, municipality_id: int) -> WaveTable:
    """Each school of one municipality against the municipality (classes as clusters)."""
    data = part.copy()
    data["class_key"] = data["school_id"].astype(str) + "/" + data["class"].astype(str)
    data["school_group"] = data["school_id"].astype(str)
    source = _design(session, wave, data, cluster="class_key")
    if isinstance(source, pd.DataFrame):
        source = build_design(source, "schools", cluster="class_key").design
    table = unprotected(source, questionnaire, "school_group")
    return WaveTable("school", municipality_id, table, source)


def region_table(session: Session, wave: Wave, questionnaire: Questionnaire,
                 scored: pd.DataFrame) -> WaveTable | None:
    """Each municipality's total and the region total (``all``) of a region wave."""
    data = scored[scored["municipality_id"].notna()].copy()
    if data.empty:
        return None
    data["municipality_group"] = data["municipality_id"].astype(int).astype(str)
    source = _design(session, wave, data, cluster="school")
    if isinstance(source, pd.DataFrame):
        source = build_design(source, "schools", cluster="school").design
    table = unprotected(source, questionnaire, "municipality_group")
    return WaveTable("municipality", None, table, source)


def grouped_tables(session: Session, wave: Wave, questionnaire: Questionnaire,
                   scored: pd.DataFrame, municipalities: list[Municipality]) -> list[WaveTable]:
    """School tables of every municipality, and the region table for a region wave."""
    tables: list[WaveTable] = []
    for municipality in municipalities:
        part = scored[scored["municipality_id"] == municipality.id]
        if not part.empty:
            tables.append(school_table(session, wave, questionnaire, part, municipality.id))
    if wave.region_id is not None:
        region = region_table(session, wave, questionnaire, scored)
        if region is not None:
            tables.append(region)
    return tables


def table_rows(table: WaveTable, published: pd.DataFrame) -> list[dict]:
    """Rows of a protected school or municipality table, as stored."""
    return _records(published, group_var=table.group_var,
                    municipality_id=table.municipality_id,
                    school_ids=table.group_var == "school")
