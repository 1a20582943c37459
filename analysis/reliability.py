"""Reliability of the scales: Cronbach's alpha, McDonald's omega, item statistics.

Each function takes the items of one scale as a DataFrame (one column per item,
already reverse-coded, NaN = missing) and agrees with R's ``psych`` package
(checked against psych 2.2.9). Missing answers are handled as psych does by
default: covariances and correlations are *pairwise complete*. One deliberate
difference: pupils who answered none of the scale's items are dropped first
(psych would count them in ``n``, widening nothing but shrinking the intervals).
:func:`reliability` runs everything per scale, overall and per language.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from analysis import _reliability_core as core
from analysis._recode import recoded_arrays
from analysis.questionnaire.model import Questionnaire

__all__ = ["Reliability", "cronbach_alpha", "item_statistics", "omega_total", "reliability"]


def _prepare(items: pd.DataFrame) -> np.ndarray:
    """Float matrix of the rows with at least one answer; ValueError when unusable."""
    if not isinstance(items, pd.DataFrame):
        raise ValueError(f"items must be a pandas DataFrame, not {type(items).__name__}")
    if items.shape[1] < 2:
        raise ValueError(f"reliability needs at least 2 items, got {items.shape[1]}")
    try:
        x = items.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise ValueError("items must hold numbers (NaN for missing)") from None
    x = x[(~np.isnan(x)).any(axis=1)]
    counts = (~np.isnan(x)).astype(int)
    together = counts.T @ counts
    if together.min() < 2:
        i, j = np.unravel_index(together.argmin(), together.shape)
        raise ValueError(f"items {items.columns[i]} and {items.columns[j]} are answered "
                         f"together by {together[i, j]} pupils; at least 2 are needed")
    flat = [str(c) for c, v in zip(items.columns, np.nanvar(x, axis=0)) if v == 0]
    if flat:
        raise ValueError(
            "items without variance (everyone gave the same answer): " + ", ".join(flat))
    return x


def cronbach_alpha(items: pd.DataFrame, *, ci: float = 0.95) -> pd.Series:
    """Cronbach's alpha with Feldt and Duhachek confidence intervals (``psych::alpha``).

    Parameters
    ----------
    items : pandas.DataFrame
        One column per item of the scale, reverse-coded, NaN for missing.
    ci : float
        Confidence level of the intervals (default 0.95).

    Returns
    -------
    pandas.Series
        ``n`` (pupils with at least one answer), ``n_items``, ``alpha`` (raw),
        ``alpha_std`` (standardized), ``average_r``, ``alpha_se`` (Duhachek's
        asymptotic standard error), ``ci_low`` / ``ci_high`` (Feldt),
        ``ci_low_duhachek`` / ``ci_high_duhachek``, and ``mean`` / ``sd`` of the
        pupils' mean score (psych's ``total$mean`` and ``total$sd``).

    Notes
    -----
    With :math:`C` the pairwise-complete covariance matrix of the :math:`k` items
    and :math:`R` = ``cov2cor(C)``,

    .. math:: \\alpha = \\frac{k}{k-1}\\Bigl(1 - \\frac{\\operatorname{tr} C}{1^\\top C 1}\\Bigr),
              \\qquad \\alpha_{std} = \\frac{k}{k-1}\\Bigl(1 - \\frac{k}{1^\\top R 1}\\Bigr).

    Feldt's interval is :math:`1 - (1-\\alpha) F_{q}(n-1, (n-1)(k-1))` at
    :math:`q = 1 - p/2` (lower) and :math:`q = p/2` (upper). Duhachek's is
    :math:`\\alpha \\pm z_{1-p/2} \\sqrt{Q/n}` with psych's :math:`Q`; psych's
    printout rounds :math:`z` to 1.96, we use the exact quantile.

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure
       of tests. *Psychometrika*, 16(3), 297-334.
    .. [2] Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical
       inference for coefficient alpha. *Applied Psychological Measurement*, 11(1), 93-103.
    .. [3] Duhachek, A., & Iacobucci, D. (2004). Alpha's standard error (ASE).
       *Journal of Applied Psychology*, 89(5), 792-808.
    .. [4] Revelle, W. (2022). psych: Procedures for psychological, psychometric,
       and personality research (R package 2.2.9), ``alpha``.

    Examples
    --------
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, 4, 2, 3, 1, 2, 3],
    ...                       "b": [2, 2, 3, 4, 3, 1, 3, 2, 2, 4],
    ...                       "c": [1, 3, 2, 3, 4, 2, None, 1, 3, 2]})
    >>> cronbach_alpha(items)[["n", "alpha", "ci_low", "ci_high"]].round(3).tolist()
    [10.0, 0.827, 0.492, 0.953]
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci}")
    x = _prepare(items)
    n, k = x.shape
    c, _, _ = core.pairwise_moments(x)
    raw, std, average_r, q = core.alpha_1(c, core.cov2cor(c))
    p = 1 - ci
    f_low, f_high = stats.f.ppf([1 - p / 2, p / 2], n - 1, (n - 1) * (k - 1))
    se = np.sqrt(q / n)
    z = stats.norm.ppf(1 - p / 2)
    total = np.nanmean(x, axis=1)
    return pd.Series({
        "n": n, "n_items": k, "alpha": raw, "alpha_std": std, "average_r": average_r,
        "alpha_se": se, "ci_low": 1 - (1 - raw) * f_low, "ci_high": 1 - (1 - raw) * f_high,
        "ci_low_duhachek": raw - z * se, "ci_high_duhachek": raw + z * se,
        "mean": total.mean(), "sd": total.std(ddof=1),
    })


def item_statistics(items: pd.DataFrame) -> pd.DataFrame:
    """Per item: n, mean, sd, item-total and item-rest correlation, alpha if dropped.

    Parameters
    ----------
    items : pandas.DataFrame
        One column per item of the scale, reverse-coded, NaN for missing.

    Returns
    -------
    pandas.DataFrame
        Indexed by item: ``n``, ``mean``, ``sd``, ``r_total`` (psych's
        ``raw.r``: correlation with the pupil's mean score), ``r_drop``
        (item-rest correlation), ``alpha_if_dropped`` and
        ``alpha_std_if_dropped`` (psych's ``alpha.drop``).

    Notes
    -----
    From the pairwise-complete covariance matrix :math:`C`, as psych does:
    :math:`r_{drop,i} = (1^\\top C_{\\cdot i} - C_{ii}) / \\sqrt{C_{ii}\\,
    1^\\top C_{-i,-i} 1}`; alpha if dropped is alpha of :math:`C_{-i,-i}`.

    References
    ----------
    .. [1] Revelle, W. (2022). psych (R package 2.2.9), ``alpha``: ``item.stats``
       and ``alpha.drop``.

    Examples
    --------
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, 4, 2, 3, 1, 2, 3],
    ...                       "b": [2, 2, 3, 4, 3, 1, 3, 2, 2, 4],
    ...                       "c": [1, 3, 2, 3, 4, 2, None, 1, 3, 2]})
    >>> item_statistics(items)["r_drop"].round(3).tolist()
    [0.94, 0.565, 0.588]
    """
    x = _prepare(items)
    c, _, _ = core.pairwise_moments(x)
    raw, std = core.alpha_if_dropped(c, core.cov2cor(c))
    total = np.nanmean(x, axis=1)
    _, cor_total, _ = core.pairwise_moments(np.column_stack([total, x]))
    return pd.DataFrame({
        "n": (~np.isnan(x)).sum(axis=0), "mean": np.nanmean(x, axis=0),
        "sd": np.nanstd(x, axis=0, ddof=1), "r_total": cor_total[0, 1:],
        "r_drop": core.item_rest(c), "alpha_if_dropped": raw, "alpha_std_if_dropped": std,
    }, index=pd.Index(items.columns, name="item"))


def omega_total(items: pd.DataFrame) -> float:
    """McDonald's omega total from a one-factor minres model (``psych::omega``).

    Matches ``psych::omega(items, nfactors = 1, fm = "minres")$omega.tot``.

    Parameters
    ----------
    items : pandas.DataFrame
        At least three items of the scale, reverse-coded, NaN for missing.

    Returns
    -------
    float
        Omega total.

    Notes
    -----
    With :math:`R` the pairwise-complete correlation matrix and
    :math:`\\lambda` the one-factor minres loadings (least squares on the
    off-diagonal correlations; items with a negative loading flipped in
    :math:`R` as psych's ``flip = TRUE`` does),

    .. math:: \\omega_t = \\frac{1^\\top R 1 - \\sum_i (1 - \\lambda_i^2)}{1^\\top R 1}.

    psych's ``optim`` stops early; this solves the same problem to machine
    precision, so results differ from psych in about the sixth digit. In a
    Heywood case (a communality above 0.995) psych's optimiser stops well short
    of its own minimum and the two can differ in the third digit;
    :func:`reliability` flags such cases in its ``note`` column.

    References
    ----------
    .. [1] McDonald, R. P. (1999). *Test theory: A unified treatment*. Erlbaum.
    .. [2] Revelle, W., & Zinbarg, R. E. (2009). Coefficients alpha, beta, omega,
       and the glb. *Psychometrika*, 74(1), 145-154.

    Examples
    --------
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, 4, 2, 3, 1, 2, 3],
    ...                       "b": [2, 2, 3, 4, 3, 1, 3, 2, 2, 4],
    ...                       "c": [1, 3, 2, 3, 4, 2, None, 1, 3, 2]})
    >>> round(omega_total(items), 2)
    0.83
    """
    return _omega(items)[0]


def _omega(items: pd.DataFrame) -> tuple[float, bool]:
    """Omega total and whether the factor solution is a Heywood case."""
    x = _prepare(items)
    if x.shape[1] < 3:
        raise ValueError("omega needs at least 3 items (a one-factor model of 2 is not identified)")
    _, r, _ = core.pairwise_moments(x)
    lam = core.minres_loadings(r)
    key = np.where(lam < 0, -1.0, 1.0)
    vt = (r * key[:, None] * key[None, :]).sum()
    return float((vt - (1 - lam**2).sum()) / vt), bool(np.max(lam**2) > 0.995)


class Reliability(NamedTuple):
    """Result of :func:`reliability`: one table per scale and group, one per item."""

    scales: pd.DataFrame
    items: pd.DataFrame


_SCALE_STATS = ["n", "n_items", "alpha", "alpha_std", "average_r", "alpha_se", "ci_low", "ci_high",
                "ci_low_duhachek", "ci_high_duhachek", "omega_total", "mean", "sd"]
_ITEM_STATS = ["n", "mean", "sd", "r_total", "r_drop", "alpha_if_dropped", "alpha_std_if_dropped"]


def reliability(
    responses: pd.DataFrame,
    questionnaire: Questionnaire,
    *,
    by: str | None = "language",
    min_n: int = 10,
    ci: float = 0.95,
    errors: Literal["raise", "coerce"] = "raise",
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
    covariances as in psych.

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
    >>> result = reliability(responses, q, min_n=3)
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
    codes = list(dict.fromkeys(code for s in questionnaire.scales for code in s.items))
    values = pd.DataFrame(recoded_arrays(responses, questionnaire, codes, errors), columns=codes)
    groups = [("all", "all", np.ones(len(responses), dtype=bool))]
    if by is not None:
        column = responses[by]
        for g in sorted(column.dropna().unique(), key=str):
            groups.append((by, g, (column == g).to_numpy()))
    scale_rows, item_rows = [], []
    for scale in questionnaire.scales:
        for group_var, group, mask in groups:
            key = {"scale": scale.id, "group_var": group_var, "group": group}
            s, items = _one(values.loc[mask, list(scale.items)], min_n, ci)
            scale_rows.append({**key, **s})
            item_rows += [{**key, "item": code, **row} for code, row in items.iterrows()]
    return Reliability(
        pd.DataFrame(scale_rows, columns=["scale", "group_var", "group", *_SCALE_STATS,
                                          "suppressed", "note"]),
        pd.DataFrame(item_rows, columns=["scale", "group_var", "group", "item", *_ITEM_STATS,
                                         "suppressed"]),
    )


def _one(items: pd.DataFrame, min_n: int, ci: float) -> tuple[dict, pd.DataFrame]:
    """Scale and item statistics of one (scale, group), suppressed or explained if impossible."""
    n = int(items.notna().any(axis=1).sum())
    empty = pd.DataFrame(np.nan, index=items.columns, columns=_ITEM_STATS)
    scale = dict.fromkeys(_SCALE_STATS, np.nan) | {"suppressed": n < min_n, "note": ""}
    if n < min_n:
        return scale | {"note": f"fewer than {min_n} pupils"}, empty.assign(suppressed=True)
    try:
        scale |= cronbach_alpha(items, ci=ci).to_dict()
        stats_ = item_statistics(items)
    except ValueError as problem:
        return scale | {"n": n, "n_items": items.shape[1], "note": str(problem)}, \
            empty.assign(n=items.notna().sum().to_numpy(), suppressed=False)
    if items.shape[1] >= 3:
        scale["omega_total"], heywood = _omega(items)
        if heywood:
            scale["note"] = "Heywood case in the one-factor model: omega is doubtful"
    return scale, stats_.assign(suppressed=False)
