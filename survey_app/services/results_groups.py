"""Stored results beyond districts: each school, and the municipalities of a region wave.

:func:`grouped_tables` is called by :func:`survey_app.services.results.compute_results`
for the same scored answers, and its tables are stored in the same result set:

- ``group_var = "school"``: each school of a municipality compared with the
  municipality (the coordinators' school results); under the schools design
  with the classes as clusters, because a school is one cluster of the
  district design and would get no standard error;
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

from analysis.designs import BuiltDesign
from analysis.questionnaire import Questionnaire
from survey_app.models import Municipality, Wave
from survey_app.services.results_design import table_design
from survey_app.services.results_tables import WaveTable, unprotected


def school_table(questionnaire: Questionnaire, built: BuiltDesign, part: pd.DataFrame,
                 municipality_id: int) -> WaveTable:
    """Each school of one municipality against the municipality.

    Under the schools design the classes are the sampling units here, because a
    school is one sampling unit of the district design and would get no
    standard error; under the census the pupils are, within their cells.
    """
    design = table_design(built, part.index, cluster="class_key")
    return WaveTable("school", municipality_id, unprotected(design, questionnaire, "school_group"),
                     design)


def region_table(questionnaire: Questionnaire, built: BuiltDesign,
                 scored: pd.DataFrame) -> WaveTable | None:
    """Each municipality's total and the region total (``all``) of a region wave."""
    data = scored[scored["municipality_id"].notna()]
    if data.empty:
        return None
    design = table_design(built, data.index)
    return WaveTable("municipality", None,
                     unprotected(design, questionnaire, "municipality_group"), design)


def grouped_tables(wave: Wave, questionnaire: Questionnaire, built: BuiltDesign,
                   scored: pd.DataFrame, municipalities: list[Municipality]) -> list[WaveTable]:
    """School tables of every municipality, and the region table for a region wave."""
    tables: list[WaveTable] = []
    for municipality in municipalities:
        part = scored[scored["municipality_id"] == municipality.id]
        if not part.empty:
            tables.append(school_table(questionnaire, built, part, municipality.id))
    if wave.region_id is not None:
        region = region_table(questionnaire, built, scored)
        if region is not None:
            tables.append(region)
    return tables


def table_rows(table: WaveTable, published: pd.DataFrame) -> list[dict]:
    """Rows of a protected school or municipality table, as stored."""
    from survey_app.services.results import estimate_rows

    return estimate_rows(published, group_var=table.group_var,
                         municipality_id=table.municipality_id,
                         school_ids=table.group_var == "school")
