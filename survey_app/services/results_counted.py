"""What a result set counted, kept so that a later release can be protected against it.

Releasing a wave twice (after late answers or a withdrawal, or with another
threshold) reveals the pupils in between by subtraction unless the second
release is protected against the first (:mod:`analysis.disclosure.releases`). That
protection needs, for every earlier release, its published table and the
responses it counted, with the groups they were in and the measures they had
a value for; a withdrawn pupil's answers are gone by then, so this is stored
with the result set (``ResultSet.counted``, JSON):

``{"columns": [...grouping columns], "measures": [...], "rows": [[response id,
labels..., [indices of measures without a value]], ...]}``

The ids are the database ids of the responses (stable), never the shuffled
numbers of an export. Nothing here is shown to anybody.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.disclosure import Release
from survey_app.models import ResultEstimate, ResultSet
from survey_app.services.results_tables import GROUPING_COLUMNS, joint_table


def dump(pupils: pd.DataFrame, measure_columns: list[str]) -> str:
    """The pupils of a computation (``wave_pupils`` with measures) as stored JSON."""
    missing = pupils[measure_columns].isna().to_numpy()
    labels = pupils[list(GROUPING_COLUMNS)].astype(object).where(
        pupils[list(GROUPING_COLUMNS)].notna(), None).to_numpy()
    # each pupil's missing measures, as positions: found for all pupils at once
    ends = np.cumsum(missing.sum(axis=1)).tolist()
    positions = np.nonzero(missing)[1].tolist()
    gaps = [positions[start:end] for start, end in zip([0, *ends[:-1]], ends)]
    rows = [[int(rid), *row, gap] for rid, row, gap in
            zip(pupils["response_id"].to_numpy(dtype=object), labels.tolist(), gaps)]
    return json.dumps({"columns": list(GROUPING_COLUMNS), "measures": measure_columns,
                       "rows": rows}, separators=(",", ":"))


def load(text: str) -> pd.DataFrame:
    """The stored pupils: ``response_id``, the grouping columns, and each measure as 1.0
    where the pupil had a value (NaN where not)."""
    data = json.loads(text)
    columns, measures = data["columns"], data["measures"]
    rows = data["rows"]
    frame = pd.DataFrame([r[:1 + len(columns)] for r in rows], columns=["response_id", *columns])
    flags = np.ones((len(rows), len(measures)))
    for i, r in enumerate(rows):
        flags[i, r[-1]] = np.nan
    return pd.concat([frame, pd.DataFrame(flags, columns=measures)], axis=1)


def earlier_releases(session: Session, wave_id: int) -> list[ResultSet]:
    """Every released result set of the wave, oldest first."""
    return list(session.scalars(select(ResultSet).where(
        ResultSet.wave_id == wave_id, ResultSet.state == "released")
        .order_by(ResultSet.released_at, ResultSet.id)))


def as_release(session: Session, result_set: ResultSet) -> tuple[Release, pd.DataFrame]:
    """The result set as published (joint labels) and its counted pupils."""
    table = ResultEstimate.__table__
    stored = pd.DataFrame(session.execute(
        select(table.c.municipality_id, table.c.group_var, table.c.group_key, table.c.measure,
               table.c.statistic, table.c.n, table.c.estimate, table.c.se, table.c.suppressed)
        .where(table.c.result_set_id == result_set.id).order_by(table.c.id)).all(),
        columns=["municipality_id", "group_var", "group", "measure", "statistic", "n",
                 "estimate", "se", "suppressed"])
    parts = []
    for (group_var, municipality), part in stored.groupby(
            [stored["group_var"], stored["municipality_id"].fillna(-1)], sort=False):
        parts.append(joint_table(part, group_var, None if municipality == -1 else int(municipality)))
    published = pd.concat(parts, ignore_index=True).drop(columns="municipality_id")
    published["suppressed"] = published["suppressed"].astype(bool)
    pupils = load(result_set.counted)
    return Release(published, set(pupils["response_id"])), pupils
