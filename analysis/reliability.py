"""Reliability of the scales: Cronbach's alpha, McDonald's omega, item statistics.

Each function takes the items of one scale as a DataFrame (one column per item,
already reverse-coded, NaN = missing) and agrees with R's ``psych`` package
(checked against psych 2.2.9). Missing answers are handled as psych does by
default: covariances and correlations are *pairwise complete*. One deliberate
difference: pupils who answered none of the scale's items are dropped first
(psych would count them in ``n``, widening nothing but shrinking the intervals).
:func:`analysis.scale_reliability.scale_reliability` runs everything per
scale of a questionnaire, overall and per language.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
from scipy import stats

from analysis import _reliability_core as core

__all__ = ["cronbach_alpha", "item_statistics", "omega_total"]


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
