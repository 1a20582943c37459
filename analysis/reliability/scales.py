"""Reliability of every scale of a questionnaire, overall and per group (language).

The statistics themselves (alpha, omega, item statistics, all checked against
R ``psych``) are in :mod:`analysis.reliability.alpha` and
:mod:`analysis.reliability.omega`; this module recodes the items as scoring
does and runs them per scale and group, hiding groups below the reporting
threshold.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from analysis.scoring._recode import recode_scale_items
from analysis.questionnaire.model import Questionnaire
from analysis.reliability import _core as core
from analysis.reliability.alpha import _alpha, item_statistics
from analysis.reliability.omega import _omega_of

__all__ = ["Reliability", "scale_reliability"]


class Reliability(NamedTuple):
    """Result of :func:`scale_reliability`: one table per scale and group, one per item."""

    scales: pd.DataFrame
    items: pd.DataFrame


_SCALE_STATS = ["n", "n_items", "alpha", "alpha_std", "average_r", "alpha_se", "ci_low", "ci_high",
                "ci_low_duhachek", "ci_high_duhachek", "omega_total", "mean", "sd"]
_ITEM_STATS = ["n", "mean", "sd", "r_total", "r_drop", "alpha_if_dropped", "alpha_std_if_dropped"]


def scale_reliability(
    responses: pd.DataFrame,
    questionnaire: Questionnaire,
    *,
    by: str | None = "language",
    min_n: int = 10,
    ci: float = 0.95,
    errors: Literal["raise", "coerce"] = "raise",
    item_table: bool = True,
) -> Reliability:
    """Alpha, omega and item statistics of every scale, overall and per group.

    Parameters
    ----------
    responses : pandas.DataFrame
        Wide responses (one row per pupil, one column per item code).
    questionnaire : Questionnaire
        The definition: which items form a scale, which are reverse-coded.
    by : str or None
        Column defining the groups (default ``"language"``); ``None`` for the
        whole sample only. Pupils with a missing group value count only in
        ``"all"``.
    min_n : int
        Groups with fewer pupils answering the scale get no figures
        (``suppressed`` is true and the number columns are empty).
    ci : float
        Confidence level of the alpha intervals.
    errors : {"raise", "coerce"}
        Answers outside the answer scale: see :func:`analysis.scoring.score`.
    item_table : bool
        ``False`` leaves the ``items`` table empty (its columns only) and
        skips the item statistics, for a caller that shows only the scales'
        figures; the ``scales`` table is the same.

    Returns
    -------
    Reliability
        ``scales``: one row per (scale, group) with ``scale, group_var, group``,
        the columns of :func:`cronbach_alpha`, ``omega_total`` (NaN for scales
        of two items), ``suppressed`` and ``note`` (why figures are missing,
        e.g. an item without variance). ``items``: one row per (scale, group,
        item) with the columns of :func:`item_statistics` and ``suppressed``.
        The first group of every scale is ``group_var = group = "all"``.

    Notes
    -----
    Items are recoded as for scoring (reverse coding, *prefer not to say*
    missing); then each (scale, group) goes through :func:`cronbach_alpha`,
    :func:`item_statistics` and :func:`omega_total`, with pairwise-complete
    covariances as in psych. A group with every pupil of the sample (everyone
    answered in one language) gets the figures of ``"all"`` without computing
    them twice.

    References
    ----------
    .. [1] Revelle, W. (2022). psych (R package 2.2.9): ``alpha``, ``omega``.

    Examples
    --------
    >>> import yaml
    >>> from analysis.questionnaire.model import Questionnaire
    >>> q = Questionnaire.model_validate(yaml.safe_load('''
    ... {id: demo, version: "1.0", title: {en: Demo}, licence: CC0, grades: [5, 7],
    ...  languages: [{code: en, name: English}],
    ...  answer_scales: [{id: agree, options: [{value: 1, label: {en: never}},
    ...    {value: 2, label: {en: seldom}}, {value: 3, label: {en: often}}]}],
    ...  pages: [{id: p, title: {en: P}, items: [
    ...    {code: a, type: rating, answer_scale: agree, text: {en: A}},
    ...    {code: b, type: rating, answer_scale: agree, text: {en: B}, reverse: true}]}],
    ...  scales: [{id: mood, label: {en: Mood}, domain: wellbeing, items: [a, b],
    ...    scoring: {min_answered: 1}, range: [1, 3],
    ...    categories: {cuts: [2], labels: [low, high], rationale: demo}}]}
    ... '''))
    >>> responses = pd.DataFrame({"a": [1, 2, 3, 3, 2, 1], "b": [3, 2, 1, 2, 2, 3],
    ...                           "language": ["de", "de", "de", "tr", "tr", "tr"]})
    >>> result = scale_reliability(responses, q, min_n=3)
    >>> result.scales[["group", "n", "alpha"]].round(3)
      group    n  alpha
    0   all  6.0  0.935
    1    de  3.0  1.000
    2    tr  3.0  0.857
    """
    if not isinstance(min_n, (int, np.integer)) or min_n < 1:
        raise ValueError(f"min_n must be a positive whole number, got {min_n!r}")
    if not isinstance(responses, pd.DataFrame):
        raise ValueError(f"responses must be a pandas DataFrame, not {type(responses).__name__}")
    if by is not None and by not in responses.columns:
        raise ValueError(f"responses have no column {by!r} to group by")
    values = pd.DataFrame(recode_scale_items(responses, questionnaire, errors))
    groups = [("all", "all", np.ones(len(responses), dtype=bool))]
    if by is not None:
        column = responses[by]
        for g in sorted(column.dropna().unique(), key=str):
            groups.append((by, g, (column == g).to_numpy()))
    scale_rows, item_rows = [], []
    for scale in questionnaire.scales:
        whole = None  # the figures of "all", for a group of every pupil
        for group_var, group, mask in groups:
            key = {"scale": scale.id, "group_var": group_var, "group": group}
            if whole is None or not mask.all():
                s, items = _one(values.loc[mask, list(scale.items)], min_n, ci, item_table)
            else:
                s, items = whole
            whole = whole or (s, items)
            scale_rows.append({**key, **s})
            item_rows += [{**key, "item": code, **row} for code, row in items.iterrows()]
    return Reliability(
        pd.DataFrame(scale_rows, columns=["scale", "group_var", "group", *_SCALE_STATS,
                                          "suppressed", "note"]),
        pd.DataFrame(item_rows, columns=["scale", "group_var", "group", "item", *_ITEM_STATS,
                                         "suppressed"]),
    )


def _one(items: pd.DataFrame, min_n: int, ci: float,
         item_table: bool = True) -> tuple[dict, pd.DataFrame]:
    """Scale and item statistics of one (scale, group), suppressed or explained if impossible.

    The items are checked and their covariances computed once, for alpha and
    omega (the figures are those of :func:`cronbach_alpha` and
    :func:`omega_total`); without ``item_table`` no item statistics and an
    empty item table.
    """
    n = int(items.notna().any(axis=1).sum())
    empty = pd.DataFrame(np.nan, index=items.columns if item_table else [], columns=_ITEM_STATS)
    scale = dict.fromkeys(_SCALE_STATS, np.nan) | {"suppressed": n < min_n, "note": ""}
    if n < min_n:
        return scale | {"note": f"fewer than {min_n} pupils"}, empty.assign(suppressed=True)
    try:
        if not 0 < ci < 1:
            raise ValueError(f"ci must be between 0 and 1, got {ci}")
        x = core.prepare(items)
        cov, cor, _ = core.pairwise_moments(x)
        scale |= _alpha(x, cov, ci).to_dict()
        stats_ = item_statistics(items) if item_table else empty
    except ValueError as problem:
        return scale | {"n": n, "n_items": items.shape[1], "note": str(problem)}, \
            empty.assign(n=items.notna().sum().to_numpy() if item_table else [],
                         suppressed=False)
    if items.shape[1] >= 3:
        scale["omega_total"], heywood = _omega_of(cor)
        if heywood:
            scale["note"] = "Heywood case in the one-factor model: omega is doubtful"
    return scale, stats_.assign(suppressed=False)
