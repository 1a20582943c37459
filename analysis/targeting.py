"""Targeting measures at districts: which way is worse, where children fare worse, and how
a district's results go with its social indicators.

Three small pieces a planner needs to decide where the next school social
worker or family centre goes:

- :func:`measure_directions` reads from the questionnaire definition which way
  of each published measure is unfavourable;
- :func:`worse_than_city` marks the groups that are significantly worse than
  the city (adjusted p-value, direction of the difference);
- :func:`weighted_correlation` is the correlation of district estimates with an
  indicator, each district weighted by its number of respondents.

The direction rule. The definition lists a scale's category labels by
ascending score and names them by how favourable they are
(:class:`analysis.questionnaire.model.Categories`): a scale whose highest
bin is ``high`` is better when higher (+1), one whose highest bin is ``low``
(sadness, worries) is better when lower (-1). A category share is better
when higher for ``high``, worse when higher for ``low`` and neutral for
``medium``. An index level is favourable when it requires a number of
``high`` scales (``at_least: {high: ...}``), unfavourable when it is reached by
``low`` scales (``at_least: {low: ...}``) or by the lack of ``high`` ones
(``at_most: {high: ...}``), and neutral otherwise (the "everybody else"
level). Neutral measures are never marked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.questionnaire.model import Questionnaire

__all__ = ["measure_directions", "weighted_correlation", "worse_than_city"]


def _scale_direction(labels) -> int:
    if labels[-1] == "high":
        return 1
    if labels[-1] == "low":
        return -1
    return 0


def _level_direction(level) -> int:
    if "high" in level.at_least:
        return 1
    if "low" in level.at_least or "high" in level.at_most:
        return -1
    return 0


def measure_directions(questionnaire: Questionnaire) -> dict[str, int]:
    """Which way each published measure is favourable: +1 higher is better, -1 lower, 0 neither.

    Keys are the measure names of :func:`analysis.pipeline.analyse`: scale
    ids (means), ``<scale>_category=<level>`` and ``<index>=<level>``
    (shares). The rule is in the module docstring.

    Examples
    --------
    >>> from analysis.questionnaire import load
    >>> from questionnaires import SHIPPED
    >>> d = measure_directions(load(SHIPPED))
    >>> d["life_satisfaction"], d["sadness"], d["sadness_category=low"]
    (1, -1, -1)
    >>> d["wellbeing_index=thriving"], d["wellbeing_index=low"], d["wellbeing_index=medium"]
    (1, -1, 0)
    """
    out: dict[str, int] = {}
    for scale in questionnaire.scales:
        out[scale.id] = _scale_direction(scale.categories.labels)
        for label in scale.categories.labels:
            out[f"{scale.id}_category={label}"] = {"high": 1, "low": -1}.get(label, 0)
    for index in questionnaire.indices:
        for level in index.levels:
            out[f"{index.id}={level.id}"] = _level_direction(level)
    return out


def worse_than_city(table: pd.DataFrame, directions: dict[str, int],
                    alpha: float = 0.05) -> pd.Series:
    """Whether each row's group fares significantly worse than the city.

    A row is marked when its adjusted p-value (``p_adjusted``, adjusted across
    the districts of the measure) is below ``alpha`` and its difference from
    the city (``diff_city``) points the unfavourable way of the measure.
    Suppressed rows, rows without a comparison and neutral measures are
    never marked.

    Parameters
    ----------
    table : pandas.DataFrame
        Published estimates with ``measure, diff_city, p_adjusted`` (and
        optionally ``suppressed``).
    directions : dict
        :func:`measure_directions`.
    alpha : float
        Significance level of the adjusted p-value.

    Returns
    -------
    pandas.Series of bool, aligned with ``table``.

    Examples
    --------
    >>> t = pd.DataFrame({"measure": ["life_satisfaction", "sadness", "sadness", "x"],
    ...                   "diff_city": [-0.3, -0.2, 0.4, -1.0],
    ...                   "p_adjusted": [0.01, 0.01, 0.2, 0.0]})
    >>> worse_than_city(t, {"life_satisfaction": 1, "sadness": -1}).tolist()
    [True, False, False, False]
    """
    sign = table["measure"].map(directions).fillna(0).astype(float)
    diff = pd.to_numeric(table["diff_city"], errors="coerce")
    p = pd.to_numeric(table["p_adjusted"], errors="coerce")
    marked = (sign != 0) & (p < alpha) & (np.sign(diff) == -sign) & diff.notna()
    if "suppressed" in table.columns:
        marked &= ~table["suppressed"].fillna(True).astype(bool)
    return marked.fillna(False).astype(bool)


def weighted_correlation(x, y, weights) -> float:
    """Pearson correlation of ``x`` and ``y`` with each pair weighted by ``weights``.

    For district estimates against a social indicator the weights are the
    districts' numbers of respondents, so that a small district with a noisy
    estimate counts less. Pairs with a missing value or a weight that is not
    positive are left out. With fewer than three pairs, or no variation in
    either variable, the correlation is undefined and ``nan`` is returned.
    Equal to the correlation of R's ``cov.wt(cbind(x, y), wt = w, cor = TRUE)``
    (the normalisation of the weights cancels).

    Parameters
    ----------
    x, y : array-like of float
    weights : array-like of float

    Returns
    -------
    float in [-1, 1], or ``nan``.

    Examples
    --------
    >>> round(weighted_correlation([1, 2, 3, 4], [2.0, 4.1, 5.9, 8.2], [10, 20, 30, 40]), 4)
    0.9985
    >>> weighted_correlation([1, 2], [3, 4], [1, 1])
    nan
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(weights, dtype=float)
    if not (x.shape == y.shape == w.shape):
        raise ValueError("x, y and weights must have the same length")
    keep = np.isfinite(x) & np.isfinite(y) & np.isfinite(w) & (w > 0)
    x, y, w = x[keep], y[keep], w[keep]
    if len(x) < 3:
        return float("nan")
    # the correlation does not change with the scale of x, y or w: scaled to at most 1,
    # sums of products cannot overflow (an indicator as large as a float once did)
    x, y, w = (v / np.max(np.abs(v)) if np.any(v) else v for v in (x, y, w))
    dx = x - np.average(x, weights=w)
    dy = y - np.average(y, weights=w)
    sxx, syy = np.sum(w * dx * dx), np.sum(w * dy * dy)
    if sxx <= 0 or syy <= 0:
        return float("nan")
    return float(np.clip(np.sum(w * dx * dy) / np.sqrt(sxx * syy), -1.0, 1.0))
