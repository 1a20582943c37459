"""Post-stratify respondents to enrolment counts, collapsing unusable cells explicitly.

Enrolment tables come from the schools (pupils per school, grade and gender);
respondents whose cell is missing or unknown, and enrolled cells without a
single respondent, cannot be weighted as they are: the cells are collapsed
(gender dropped within school and grade) and reported, never silently merged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.estimation import post_stratify, survey_design

__all__ = ["enrolment_cells", "weight_to_enrolment"]


def weight_to_enrolment(scored: pd.DataFrame, enrolment: pd.DataFrame, *, count: str = "pupils",
                        cluster: str = "school", weights: str | None = None,
                        strata: str | None = None):
    """Post-stratify respondents to enrolment counts; collapse unusable cells explicitly.

    The last cell column of ``enrolment`` (usually ``gender``) is dropped
    within a parent cell (usually school x grade) when a respondent's value is
    missing or not in the enrolment, or enrolled pupils of a cell have no
    respondent. Parent cells with enrolled pupils but no respondent cannot be
    represented and are left out of the population.

    Parameters
    ----------
    scored : pandas.DataFrame
        Responses (scored or not) with the enrolment's cell columns.
    enrolment : pandas.DataFrame
        Cell columns (e.g. ``school, grade, gender``) and ``count``.
    count, cluster : str
    weights : str or None
        Column of base weights (e.g. a ``weight`` column of the responses)
        that the post-stratification starts from; ``None``: equal weights.
    strata : str or None
        Stratum column of the design (``school`` when ``cluster`` is a class).

    Returns
    -------
    (SurveyDesign, pandas.DataFrame)
        The post-stratified design (weights in its data's ``weight`` column
        when they are used as fixed weights) and a report of the collapsed and
        dropped parent cells (``cell``, ``problem``, ``enrolled``).

    Notes
    -----
    When the cells are nested in the clusters (``school`` is a cell column),
    the calibrated linearisation of R ``postStratify`` gives every domain
    estimate a standard error of 0: each school's residual total vanishes.
    The design then uses the post-stratified weights as fixed weights
    (``svydesign(ids=~school, weights=~w)``), the usual conservative choice
    of the sample-of-schools design. The census design
    (:func:`analysis.designs.build_design`) uses the same cells as strata
    with the finite population correction instead.

    Examples
    --------
    >>> d = pd.DataFrame({"school": ["a"] * 3 + ["b"] * 2, "gender": [1, 2, None, 1, 2]})
    >>> e = pd.DataFrame({"school": ["a", "a", "b", "b"], "gender": [1, 2, 1, 2],
    ...                   "pupils": [10, 10, 8, 12]})
    >>> design, report = weight_to_enrolment(d, e)
    >>> design.weights.round(2).tolist(), report["problem"].tolist()
    ([6.67, 6.67, 6.67, 8.0, 12.0], ['collapsed'])
    """
    cell, population, report = enrolment_cells(scored, enrolment, count=count)
    data = pd.concat([scored, pd.DataFrame({"_cell": cell}, index=scored.index)], axis=1)
    base = survey_design(data, cluster=cluster, strata=strata, weights=weights)
    design = post_stratify(base, population[["_cell", count]], count=count)
    if cluster in population.attrs["cell_columns"] or strata is not None:
        # Cells nested in schools: the calibrated variance removes every school-level
        # deviation (each school total of residuals is 0), so every SE would be 0.
        # Treat the post-stratified weights as fixed instead (conservative).
        weight = pd.DataFrame({"weight": design.weights}, index=scored.index)
        design = survey_design(pd.concat([scored.drop(columns="weight", errors="ignore"), weight],
                                         axis=1), cluster=cluster, strata=strata,
                               weights="weight")
    return design, report


def enrolment_cells(scored: pd.DataFrame, enrolment: pd.DataFrame, *, count: str = "pupils"):
    """Weighting cells of the respondents and their enrolment, collapsed where needed.

    Returns ``(cell, population, report)``: the cell key of every respondent
    (a Series on ``scored.index``), the enrolled pupils per cell (columns
    ``_cell``, ``count``, ``respondents``; cells without respondents left out)
    and the report of :func:`weight_to_enrolment`. A collapsed cell's key is
    its parent's followed by ``|*``.

    Examples
    --------
    >>> d = pd.DataFrame({"school": ["a", "a", "b"], "gender": ["f", "m", "f"]})
    >>> e = pd.DataFrame({"school": ["a", "a", "b", "b"], "gender": ["f", "m", "f", "m"],
    ...                   "pupils": [10, 12, 8, 9]})
    >>> cell, population, report = enrolment_cells(d, e)
    >>> cell.tolist(), population["pupils"].tolist()
    (['a|f', 'a|m', 'b|*'], [10, 12, 17])
    """
    cols = [c for c in enrolment.columns if c != count]
    if count not in enrolment.columns or not cols:
        raise ValueError(f"the enrolment needs cell columns and a {count!r} column")
    if len(enrolment) == 0:
        raise ValueError("the enrolment has no rows")
    absent = [c for c in cols if c not in scored.columns]
    if absent:
        raise ValueError(f"enrolment column(s) {absent} are not in the responses")
    pupils = pd.to_numeric(enrolment[count], errors="coerce")
    if pupils.isna().any() or (pupils < 0).any():
        raise ValueError(f"enrolment column {count!r} must hold non-negative numbers")
    parent, last = cols[:-1], cols[-1]
    e_parent, e_full = _keys(enrolment, parent), _keys(enrolment, cols)
    r_parent, r_full = _keys(scored, parent), _keys(scored, cols)
    if r_parent.isna().any():
        raise ValueError(f"{int(r_parent.isna().sum())} respondents have no value in {parent}")
    respondents = r_full.value_counts()
    unmatched = r_full.isna() | ~r_full.isin(set(e_full.dropna()))
    empty = (pupils.to_numpy() > 0) & ~e_full.isin(respondents.index).to_numpy()
    collapse = set(r_parent[unmatched.to_numpy()]) | set(e_parent[empty])
    cell = np.where(r_parent.isin(collapse), r_parent + "|*", r_full.fillna(""))
    pop_cell = np.where(e_parent.isin(collapse), e_parent + "|*", e_full)
    population = pd.DataFrame({"_cell": pop_cell, count: pupils}).groupby(
        "_cell", as_index=False)[count].sum()
    n_resp = pd.Series(cell).value_counts()
    population["respondents"] = population["_cell"].map(n_resp).fillna(0).astype(int)
    lost = population[(population["respondents"] == 0) & (population[count] > 0)]
    population = population[population["respondents"] > 0].reset_index(drop=True)
    no_enrolment = sorted(set(cell) - set(population["_cell"]))
    if no_enrolment:
        raise ValueError(f"{len(no_enrolment)} cells of respondents are not in the enrolment, "
                         f"e.g. {no_enrolment[0].replace('|', ', ')}")
    population.attrs["cell_columns"] = cols
    report = pd.concat([
        pd.DataFrame({"cell": sorted(collapse), "problem": "collapsed"}),
        pd.DataFrame({"cell": lost["_cell"].str.removesuffix("|*").to_numpy(),
                      "problem": "no respondents", "enrolled": lost[count].to_numpy()}),
    ], ignore_index=True)
    report["cells"] = f"{', '.join(parent)} (without {last})"
    return pd.Series(cell, index=scored.index, dtype=object), population, report


def _keys(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Cell keys as text; whole numbers without ".0" so 1 and 1.0 and "1" agree."""
    if not cols:
        return pd.Series("", index=frame.index, dtype=object)
    parts = []
    for c in cols:
        col = frame[c]
        if pd.api.types.is_numeric_dtype(col.dtype):
            num = col.astype("Float64")
            whole = (num % 1 == 0).fillna(False)
            text = num.astype(str).where(~whole, num.round().astype("Int64").astype(str))
        else:
            text = col.astype(object).map(lambda v: str(v).strip(), na_action="ignore")
            as_num = pd.to_numeric(text, errors="coerce")
            text = text.where(~((as_num % 1 == 0).fillna(False)),
                              as_num.round().astype("Int64").astype(str))
        parts.append(text.astype(object).where(col.notna(), None))
    key = parts[0]
    for part in parts[1:]:
        key = key + "|" + part
    return pd.Series(key.to_numpy(dtype=object), index=frame.index)
