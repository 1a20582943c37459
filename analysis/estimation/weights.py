"""Calibrate weights to known population counts: post-stratification and raking."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._frames import as_design
from .design import SurveyDesign, _Calibration


def _cell_columns(population: pd.DataFrame, count: str) -> list[str]:
    if not isinstance(population, pd.DataFrame) or count not in population.columns:
        raise ValueError(f"population must be a DataFrame with a {count!r} column")
    cols = [c for c in population.columns if c != count]
    if not cols:
        raise ValueError("population needs at least one cell column besides the count")
    return cols


def _cells(design: SurveyDesign, population: pd.DataFrame, count: str):
    """Row cell codes, population counts per code, and the cell labels."""
    cols = _cell_columns(population, count)
    missing = [c for c in cols if c not in design.data.columns]
    if missing:
        raise ValueError(f"cell column(s) {missing} are not in the data")
    if design.data[cols].isna().any().any():
        raise ValueError(f"pupils with a missing cell value in {cols}; they cannot be weighted")
    if population.duplicated(cols).any():
        raise ValueError(f"population has duplicate cells in {cols}")
    pop_n = pd.to_numeric(population[count], errors="coerce")
    if pop_n.isna().any() or (pop_n < 0).any():
        raise ValueError(f"population column {count!r} must be non-negative numbers")
    keys = pd.MultiIndex.from_frame(population[cols].astype(object))
    rows = pd.MultiIndex.from_frame(design.data[cols].astype(object))
    codes = keys.get_indexer(rows)
    return codes, pop_n.to_numpy(dtype=float), population[cols].reset_index(drop=True), cols


def check_cells(data, population: pd.DataFrame, count: str = "Freq", min_respondents: int = 1,
                weights: str | None = None) -> pd.DataFrame:
    """List the weighting cells that cannot be calibrated as they are.

    Parameters
    ----------
    data : pandas.DataFrame or SurveyDesign
        Respondents (one row per pupil).
    population : pandas.DataFrame
        Known counts: the cell columns (e.g. ``school, grade, gender``) and ``count``.
    count : str
        Column of ``population`` with the counts.
    min_respondents : int
        Cells with fewer respondents than this are reported.
    weights : str or None
        Weight column of ``data`` (when ``data`` is a DataFrame).

    Returns
    -------
    pandas.DataFrame
        One row per problem cell: the cell columns, ``respondents``,
        ``population`` and ``problem`` (``"no respondents"``, ``"no population"``,
        ``"not in population"`` or ``"too few respondents"``). Empty when all
        cells are fine. Cells are never merged silently: decide how to merge
        them and pass a new ``population``.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.estimation import check_cells
    >>> d = pd.DataFrame({"school": ["a", "a", "b"], "gender": ["f", "m", "f"]})
    >>> pop = pd.DataFrame({"gender": ["f", "m", "x"], "Freq": [30, 0, 5]})
    >>> check_cells(d, pop)[["gender", "respondents", "problem"]].values.tolist()
    [['m', 1, 'no population'], ['x', 0, 'no respondents']]
    """
    design = as_design(data, None, None, weights, "adjust")
    codes, pop_n, labels, cols = _cells(design, population, count)
    n = np.bincount(codes[codes >= 0], minlength=len(pop_n))
    report = labels.assign(respondents=n, population=pop_n)
    report["problem"] = np.select(
        [(n == 0) & (pop_n > 0), (n > 0) & (pop_n == 0), (n > 0) & (n < min_respondents)],
        ["no respondents", "no population", "too few respondents"], default="")
    outside = (design.data.loc[codes < 0, cols].groupby(cols).size().rename("respondents")
               .reset_index().assign(population=np.nan, problem="not in population"))
    parts = [part for part in (report[report["problem"] != ""], outside) if len(part)]
    if not parts:
        return report.iloc[:0].reset_index(drop=True)
    return pd.concat(parts, ignore_index=True).sort_values(cols, key=lambda c: c.astype(str),
                                                           ignore_index=True)


def _raise_if_bad(design, population, count, min_respondents):
    report = check_cells(design, population, count, min_respondents)
    if len(report):
        raise ValueError(f"{len(report)} weighting cell(s) cannot be calibrated; merge them "
                         f"explicitly (see check_cells):\n{report.to_string(index=False)}")


def post_stratify(data, population: pd.DataFrame, count: str = "Freq", min_respondents: int = 1,
                  cluster="school", strata=None, weights=None, lonely_psu="adjust") -> SurveyDesign:
    """Post-stratify the weights to known population counts per cell.

    Parameters
    ----------
    data : pandas.DataFrame or SurveyDesign
        Respondents, or a design from :func:`survey_design`.
    population : pandas.DataFrame
        Cell columns (e.g. ``school, grade, gender``) and the count column.
    count : str
        Column of ``population`` holding the counts (R's ``Freq``).
    min_respondents : int
        Minimum respondents per cell; smaller cells are reported.
    cluster, strata, weights, lonely_psu
        See :func:`survey_design` (used when ``data`` is a DataFrame).

    Returns
    -------
    SurveyDesign
        With weights :math:`w_i N_c/\\hat N_c`, :math:`\\hat N_c=\\sum_{i\\in c} w_i`,
        and the cells kept for the variance.

    Raises
    ------
    ValueError
        If a cell has respondents but no population, population but no
        respondents, respondents outside the population table, or fewer than
        ``min_respondents`` respondents; the message lists the cells.

    Notes
    -----
    As R ``postStratify(design, ~cell, population)``. The variance uses the
    post-stratified residuals: in every cell, :math:`w_i` times the
    :math:`w^{old}`-weighted cell mean of the linearised scores divided by
    :math:`w_i` is removed before the school totals are formed
    (``survey:::svyrecvar``).

    References
    ----------
    Holt, D., Smith, T. M. F. (1979). Post stratification. *JRSS A* 142, 33-46.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.estimation import post_stratify
    >>> d = pd.DataFrame({"school": ["a", "a", "b", "b"], "gender": ["f", "m", "f", "f"]})
    >>> pop = pd.DataFrame({"gender": ["f", "m"], "Freq": [60, 40]})
    >>> post_stratify(d, pop).weights.tolist()
    [20.0, 40.0, 20.0, 20.0]
    """
    design = as_design(data, cluster, strata, weights, lonely_psu)
    if design.calibration is not None:
        raise ValueError("the design is already calibrated; calibrate the original design")
    _raise_if_bad(design, population, count, min_respondents)
    codes, pop_n, _, _ = _cells(design, population, count)
    sample_n = np.bincount(codes, weights=design.weights, minlength=len(pop_n))
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(sample_n > 0, pop_n / sample_n, 0.0)
    cal = _Calibration(margins=(codes,), n_cells=(len(pop_n),), omega=design.weights, sweeps=1)
    return design.with_weights(design.weights * g[codes], cal)


def rake(data, margins, count: str = "Freq", min_respondents: int = 1, max_iter: int = 200,
         tol: float = 1e-13, cluster="school", strata=None, weights=None,
         lonely_psu="adjust") -> SurveyDesign:
    """Rake the weights to several population margins (iterative proportional fitting).

    Parameters
    ----------
    data : pandas.DataFrame or SurveyDesign
        Respondents, or a design from :func:`survey_design`.
    margins : list of pandas.DataFrame
        One population table per margin, each with its cell columns and ``count``
        (e.g. counts by ``school`` and counts by ``grade, gender``).
    count, min_respondents
        As in :func:`post_stratify`; every margin's cells are checked.
    max_iter : int
        Maximum sweeps over the margins.
    tol : float
        Stop when no weighted margin total moves by more than ``tol`` times
        the total weight in a sweep.
    cluster, strata, weights, lonely_psu
        See :func:`survey_design`.

    Returns
    -------
    SurveyDesign

    Raises
    ------
    ValueError
        For problem cells (see :func:`check_cells`), margins with different
        totals, or no convergence within ``max_iter`` sweeps.

    Notes
    -----
    Each sweep post-stratifies to every margin in turn:
    :math:`w_i \\leftarrow w_i N_{kc}/\\sum_{j\\in c} w_j`. The variance
    follows R ``rake()`` and ``survey:::svyrecvar``: ten sweeps of removing
    :math:`w_i` times the unweighted cell mean of :math:`x_i/w_i` per margin.
    R's default stopping rule (``epsilon=1``, ``maxit=10``) is loose; the
    tests compare with ``control=list(maxit=200, epsilon=1e-13)``.

    References
    ----------
    Deming, W. E., Stephan, F. F. (1940). On a least squares adjustment of a
    sampled frequency table when the expected marginal totals are known.
    *Ann. Math. Statist.* 11, 427-444.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.estimation import rake
    >>> d = pd.DataFrame({"school": ["a", "a", "b", "b"], "gender": ["f", "m", "f", "m"]})
    >>> by_school = pd.DataFrame({"school": ["a", "b"], "Freq": [30, 70]})
    >>> by_gender = pd.DataFrame({"gender": ["f", "m"], "Freq": [50, 50]})
    >>> rake(d, [by_school, by_gender]).weights.round(6).tolist()
    [15.0, 15.0, 35.0, 35.0]
    """
    design = as_design(data, cluster, strata, weights, lonely_psu)
    if design.calibration is not None:
        raise ValueError("the design is already calibrated; calibrate the original design")
    if isinstance(margins, pd.DataFrame) or len(margins) < 1:
        raise ValueError("margins must be a list of population tables")
    cells = []
    for pop in margins:
        _raise_if_bad(design, pop, count, min_respondents)
        codes, pop_n, _, _ = _cells(design, pop, count)
        cells.append((codes, pop_n))
    totals = [c[1].sum() for c in cells]
    if not np.allclose(totals, totals[0], rtol=1e-9):
        raise ValueError(f"margins have different population totals {totals}; raking cannot fit")
    w = design.weights.copy()
    for _ in range(max_iter):
        moved = 0.0
        for codes, pop_n in cells:
            current = np.bincount(codes, weights=w, minlength=len(pop_n))
            moved = max(moved, float(np.max(np.abs(current - pop_n))))
            w = w * np.where(current > 0, pop_n / np.where(current > 0, current, 1), 0)[codes]
        if moved < tol * totals[0]:
            break
    else:
        raise ValueError(f"raking did not converge in {max_iter} sweeps")
    cal = _Calibration(margins=tuple(c[0] for c in cells),
                       n_cells=tuple(len(c[1]) for c in cells), omega=np.ones(len(w)), sweeps=10)
    return design.with_weights(w, cal)
