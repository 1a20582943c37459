"""Stored results beyond districts: each school, and the municipalities of a region wave.

:func:`grouped_rows` is called by :func:`survey_app.services.results.compute_results`
for the same scored answers, and its rows are stored in the same result set:

- ``group_var = "school"``: each school of a municipality compared with the
  municipality (the coordinators' school results), estimated with the classes
  as clusters, because a school is one cluster of the district design and
  would get no standard error;
- ``group_var = "municipality"`` with ``municipality_id = None`` (only for a
  wave run across a region): each municipality's total and the region total
  (``group_key = "all"``), compared with the region.

Every table comes from :func:`analysis.pipeline.analyse`, i.e. through the one
disclosure-control function: a school or municipality below the threshold is
stored without any figure.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from analysis.enrolment_weights import weight_to_enrolment
from analysis.pipeline import analyse
from analysis.questionnaire import Questionnaire
from survey_app.models import Municipality, Wave


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


def school_rows(session: Session, wave: Wave, questionnaire: Questionnaire,
                part: pd.DataFrame, municipality_id: int, min_group_size: int) -> list[dict]:
    """Each school of one municipality against the municipality (classes as clusters)."""
    data = part.copy()
    data["class_key"] = data["school_id"].astype(str) + "/" + data["class"].astype(str)
    data["school_group"] = data["school_id"].astype(str)
    source = _design(session, wave, data, cluster="class_key")
    table = analyse(source, questionnaire, by="school_group", cluster="class_key",
                    min_n=min_group_size, small_area=False)
    return _records(table, group_var="school", municipality_id=municipality_id,
                    school_ids=True)


def region_rows(session: Session, wave: Wave, questionnaire: Questionnaire,
                scored: pd.DataFrame, min_group_size: int) -> list[dict]:
    """Each municipality's total and the region total (``all``) of a region wave."""
    data = scored[scored["municipality_id"].notna()].copy()
    if data.empty:
        return []
    data["municipality_group"] = data["municipality_id"].astype(int).astype(str)
    source = _design(session, wave, data, cluster="school")
    table = analyse(source, questionnaire, by="municipality_group", cluster="school",
                    min_n=min_group_size, small_area=False)
    return _records(table, group_var="municipality", municipality_id=None, school_ids=False)


def grouped_rows(session: Session, wave: Wave, questionnaire: Questionnaire,
                 scored: pd.DataFrame, municipalities: list[Municipality],
                 min_group_size: int) -> list[dict]:
    """School rows of every municipality, and region rows for a region wave."""
    rows: list[dict] = []
    for municipality in municipalities:
        part = scored[scored["municipality_id"] == municipality.id]
        if not part.empty:
            rows += school_rows(session, wave, questionnaire, part, municipality.id,
                                min_group_size)
    if wave.region_id is not None:
        rows += region_rows(session, wave, questionnaire, scored, min_group_size)
    return rows
