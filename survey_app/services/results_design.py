"""The survey design of a wave's stored results (design.md section 5).

A city's wave is a census: every school takes part, every pupil of the
surveyed grades is asked, most answer. When every class of the wave has an
enrolled count, the stored results use the **census** design of
:func:`analysis.designs.build_design` (respondents a stratified random sample
of the enrolled pupils of their cell, with the finite population correction);
otherwise the **schools** design (schools as sampling units, equal weights),
and the result set says so in its notes.

Classes store one enrolled count, not one per gender, so the weighting cells
are **school x grade** (the grade of the class). The design is built once for
the whole wave; each stored table (a municipality's districts, its schools, a
region's municipalities) is estimated on its pupils with the wave's weights,
cells and finite population correction (:func:`table_design`).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.designs import BuiltDesign, build_design
from analysis.estimation import SurveyDesign, survey_design
from survey_app.models import SchoolClass, Wave


def enrolment_table(session: Session, wave: Wave, school_ids) -> pd.DataFrame | None:
    """Enrolled pupils per school and grade, or ``None`` if a class has no count."""
    classes = session.execute(select(SchoolClass.school_id, SchoolClass.grade,
                                     SchoolClass.enrolled)
                              .where(SchoolClass.wave_id == wave.id,
                                     SchoolClass.school_id.in_([int(i) for i in school_ids])))
    table = pd.DataFrame(classes.all(), columns=["school_id", "grade", "pupils"])
    if table.empty or table["pupils"].isna().any():
        return None
    return table.groupby(["school_id", "grade"], as_index=False)["pupils"].sum()


def wave_design(session: Session, wave: Wave, data: pd.DataFrame) -> tuple[BuiltDesign, bool]:
    """The wave's design and whether it is weighted to the enrolment.

    ``data`` are the prepared answers (``school`` as the school's id in text,
    ``grade``). Raises ``ValueError`` (with the library's reason) when the
    enrolment cannot take the answers, e.g. more answers than enrolled pupils.
    """
    enrolment = enrolment_table(session, wave, data["school_id"].dropna().unique())
    if enrolment is not None:
        enrolment = pd.DataFrame({"school": enrolment["school_id"].astype(str),
                                  "grade": enrolment["grade"].astype("Int64"),
                                  "pupils": enrolment["pupils"]})
    built = build_design(data.drop(columns="weight", errors="ignore"), None, enrolment,
                         cluster="school")
    return built, enrolment is not None


def table_design(built: BuiltDesign, index: pd.Index, cluster: str | None = None) -> SurveyDesign:
    """The design of one stored table: the wave's design restricted to some pupils.

    The pupils keep the wave's weights; under the census design also their
    cells and enrolled counts (strata and finite population correction),
    under the schools design ``cluster`` (default the school) is the sampling
    unit.
    """
    design = built.design
    weights = pd.Series(design.weights, index=design.data.index)
    data = design.data.loc[index].assign(_w=weights.loc[index])
    if built.name == "census":
        part = survey_design(data, cluster=None, strata="_cell", fpc="_enrolled", weights="_w",
                             df_rule=design.df_rule, lonely_psu=design.lonely_psu)
    else:
        part = survey_design(data, cluster=cluster or design.cluster, weights="_w",
                             df_rule=design.df_rule, lonely_psu=design.lonely_psu)
    return replace(part, name=built.name)
