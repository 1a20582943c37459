"""The three survey designs a city runs, built from the responses and the enrolment.

How the pupils came to answer decides how uncertain a district figure is, so
every estimate names its design:

* ``census`` - every school takes part and every pupil of the surveyed grades
  is asked; 60-80 % answer. Respondents are a stratified random sample
  without replacement of the enrolled pupils within weighting cells (school x
  grade x gender, collapsed where a cell has no respondent), with the finite
  population correction: R ``svydesign(ids=~1, strata=~cell, fpc=~enrolled)``.
  The default when enrolment counts are given.
* ``schools`` - a sample of schools: schools are the primary sampling units,
  R ``svydesign(ids=~school, weights=~w)``; with enrolment the weights are
  post-stratified to it and then used as fixed weights
  (:func:`analysis.enrolment_weights.weight_to_enrolment`). The default
  without enrolment.
* ``classes`` - some classes of every school: classes are the sampling units
  within schools as strata, R ``svydesign(ids=~class, strata=~school,
  weights=~w, nest=TRUE)``, weights as for ``schools``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from analysis.enrolment_weights import enrolment_cells, weight_to_enrolment
from analysis.estimation import SurveyDesign, survey_design
from analysis.files import check_unique_ids

__all__ = ["DESIGNS", "BuiltDesign", "build_design"]

#: The designs, in the order they are offered.
DESIGNS = ("census", "schools", "classes")


@dataclass(frozen=True)
class BuiltDesign:
    """A design ready for estimation, with what was decided on the way.

    ``notes`` are sentences for the user (which design and why, what was done
    with a ``weight`` column); ``cells`` is the report of collapsed and
    dropped weighting cells (empty without enrolment).
    """

    design: SurveyDesign
    name: str
    notes: tuple[str, ...]
    cells: pd.DataFrame


def build_design(responses: pd.DataFrame, design: str | None = None,
                 enrolment: pd.DataFrame | None = None, *, cluster: str = "school",
                 classes: str = "class", count: str = "pupils", weights: str = "weight",
                 df_rule: str = "effective", lonely_psu: str = "adjust") -> BuiltDesign:
    """The survey design of a wave: census, sample of schools or sample of classes.

    Parameters
    ----------
    responses : pandas.DataFrame
        Scored (or raw) responses with the enrolment's cell columns.
    design : {"census", "schools", "classes"} or None
        ``None``: ``"census"`` with enrolment, ``"schools"`` without.
    enrolment : pandas.DataFrame or None
        Enrolled pupils per cell (``school, grade, gender`` and ``count``).
    cluster, classes : str
        School and class columns.
    count : str
        Column of ``enrolment`` with the enrolled pupils.
    weights : str
        Name of an optional base-weight column of ``responses``.
    df_rule, lonely_psu
        See :func:`analysis.estimation.survey_design`. A cell (census) or a
        school (classes) with a single respondent or class is a stratum with
        one sampling unit; ``"adjust"`` keeps its contribution, centred at the
        overall mean.

    Returns
    -------
    BuiltDesign

    Raises
    ------
    ValueError
        Census without enrolment; census with a ``weight`` column (the census
        weights come from the enrolment: drop the column or choose another
        design); unknown design; missing school or class column; a
        ``response_id`` that occurs more than once.

    Notes
    -----
    What each design does with the enrolment: ``census`` makes every cell a
    stratum whose sampling fraction is respondents / enrolled; weights are
    enrolled / respondents and a cell where every pupil answered adds no
    variance. ``schools`` and ``classes`` post-stratify the weights (starting
    from a ``weight`` column if there is one) to the same cells and then treat
    them as fixed; their variance comes from the differences between schools
    or classes only. Without enrolment, ``schools`` and ``classes`` use the
    ``weight`` column, or equal weights.

    Examples
    --------
    >>> d = pd.DataFrame({"school": ["a", "a", "a", "b", "b"], "grade": 5,
    ...                   "gender": ["f", "f", "m", "f", "m"], "y": [1.0, 2.0, 3.0, 4.0, 5.0]})
    >>> e = pd.DataFrame({"school": ["a", "a", "b", "b"], "grade": 5,
    ...                   "gender": ["f", "m", "f", "m"], "pupils": [4, 1, 2, 3]})
    >>> built = build_design(d, enrolment=e)
    >>> built.name, built.design.weights.tolist()
    ('census', [2.0, 2.0, 1.0, 2.0, 3.0])
    """
    if design is None:
        design = "census" if enrolment is not None else "schools"
        notes = [f"design {design}: " + (
            "enrolment given, so the wave is treated as a census with nonresponse"
            if enrolment is not None else
            "no enrolment given, so the schools are treated as a sample of schools; "
            "give the enrolment for the census design")]
    else:
        notes = [f"design {design}"]
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {', '.join(DESIGNS)}, not {design!r}")
    if not isinstance(responses, pd.DataFrame) or len(responses) == 0:
        raise ValueError("the responses have no rows")
    if cluster not in responses.columns:
        raise ValueError(f"school column {cluster!r} is not in the responses")
    check_unique_ids(responses)
    has_weight = weights in responses.columns
    options = {"df_rule": df_rule, "lonely_psu": lonely_psu}
    cells = pd.DataFrame(columns=["cell", "problem", "enrolled", "cells"])
    if design == "census":
        if enrolment is None:
            raise ValueError("the census design needs the enrolment (pupils per school, grade "
                             "and gender); give it, or choose the schools or classes design")
        if has_weight:
            raise ValueError(f"the responses have a {weights!r} column, but the census design "
                             "weights every cell to its enrolment; remove the column, or "
                             "choose the schools or classes design, which post-stratify it "
                             "to the enrolment")
        cell, population, cells = enrolment_cells(responses, enrolment, count=count)
        over = population[population["respondents"] > population[count]]
        if len(over):
            shown = "; ".join(f"{c.replace('|*', '').replace('|', ', ')} ({r} answered, "
                              f"{e:g} enrolled)" for c, r, e in
                              over[["_cell", "respondents", count]].head(5).itertuples(index=False))
            raise ValueError(f"{len(over)} cell(s) have more respondents than enrolled pupils: "
                             f"{shown}; correct the enrolment")
        enrolled = cell.map(population.set_index("_cell")[count])
        data = pd.concat([responses, pd.DataFrame({"_cell": cell, "_enrolled": enrolled},
                                                  index=responses.index)], axis=1)
        built = survey_design(data, cluster=None, strata="_cell", fpc="_enrolled", **options)
    else:
        psu, strata, data = cluster, None, responses
        if design == "classes":
            if classes not in responses.columns:
                raise ValueError(f"the classes design needs a class column ({classes!r})")
            if responses[classes].isna().any():
                raise ValueError(f"{int(responses[classes].isna().sum())} respondents have no "
                                 "class; the classes design needs every pupil's class")
            key = responses[cluster].astype(str) + "|" + responses[classes].astype(str)
            data = responses.assign(_class=key)
            psu, strata = "_class", cluster
        if enrolment is not None:
            built, cells = weight_to_enrolment(data, enrolment, count=count, cluster=psu,
                                               strata=strata,
                                               weights=weights if has_weight else None)
            built = replace(built, **options)
            if has_weight:
                notes.append(f"the {weights!r} column is the base weight, post-stratified to "
                             "the enrolment")
        else:
            built = survey_design(data, cluster=psu, strata=strata,
                                  weights=weights if has_weight else None, **options)
            if has_weight:
                notes.append(f"weights from the {weights!r} column")
    return BuiltDesign(design=replace(built, name=design), name=design, notes=tuple(notes),
                       cells=cells)
