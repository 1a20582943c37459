"""Cronbach's alpha and the item statistics of one scale.

Each function takes the items of one scale as a DataFrame (one column per item,
already reverse-coded, NaN = missing) and agrees with R's ``psych`` package
(checked against psych 2.2.9). Missing answers are handled as psych does by
default: covariances and correlations are *pairwise complete*. One deliberate
difference: pupils who answered none of the scale's items are dropped first
(psych would count them in ``n``, widening nothing but shrinking the intervals).
McDonald's omega is in :mod:`analysis.reliability.omega`;
:func:`analysis.reliability.scale_reliability` runs everything per scale of a
questionnaire, overall and per language.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.reliability import _core as core

__all__ = ["cronbach_alpha", "item_statistics"]


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
    x = core.prepare(items)
    return _alpha(x, core.pairwise_moments(x)[0], ci)


def _alpha(x: np.ndarray, c: np.ndarray, ci: float) -> pd.Series:
    """:func:`cronbach_alpha` of a prepared matrix ``x`` with covariances ``c``.

    Separate so that :func:`analysis.reliability.scale_reliability` prepares
    the items and computes their covariances once for alpha and omega.
    """
    n, k = x.shape
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
    x = core.prepare(items)
    c, _, _ = core.pairwise_moments(x)
    raw, std = core.alpha_if_dropped(c, core.cov2cor(c))
    total = np.nanmean(x, axis=1)
    _, cor_total, _ = core.pairwise_moments(np.column_stack([total, x]))
    return pd.DataFrame({
        "n": (~np.isnan(x)).sum(axis=0), "mean": np.nanmean(x, axis=0),
        "sd": np.nanstd(x, axis=0, ddof=1), "r_total": cor_total[0, 1:],
        "r_drop": core.item_rest(c), "alpha_if_dropped": raw, "alpha_std_if_dropped": std,
    }, index=pd.Index(items.columns, name="item"))
