"""The 95 % intervals of shares: logit (published) and Korn-Graubard, as R ``svyciprop``.

Shares of exactly 0 or 1 get the Clopper-Pearson interval with either method
(the logit of 0 or 1 is undefined, and R's ``method="beta"`` returns NaN);
standard errors below :data:`SE_TOLERANCE` count as the exact 0 they stand for.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy import stats

from ._frames import t_interval

METHODS = ("logit", "beta")


def beta_interval(p, var, n_rows, n_valid, df, level):
    """Korn-Graubard interval as R ``svyciprop(method="beta")``."""
    alpha = 1 - level
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where(var > 0, p * (1 - p) / var, n_valid)
        ratio = np.where(df >= 1, stats.t.ppf(alpha / 2, np.maximum(n_rows - 1, 1))
                         / stats.t.ppf(alpha / 2, np.maximum(df, 1)), np.nan)
        n_eff = n_eff * ratio ** 2
        low = np.where(p > 0, stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1), 0.0)
        high = np.where(p < 1, stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)), 1.0)
    bad = ~np.isfinite(n_eff)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def logit_interval(p, var, df, level):
    """Wald interval on the logit scale as R ``svyciprop(method="logit")``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        se_logit = np.sqrt(var) / (p * (1 - p))
        low, high = t_interval(np.log(p / (1 - p)), se_logit, df, level)
        return 1 / (1 + np.exp(-low)), 1 / (1 + np.exp(-high))


#: A share's standard error below this is rounding noise of an exact 0 (shares lie in [0, 1]).
SE_TOLERANCE = 1e-12


def exact_shares(st):
    """Shares of exactly 0 or 1 with rounding noise in the SE: make them exact.

    Summation order can leave a share of 1 as ``1 - 1e-16`` and its variance
    as ``(5.6e-17)**2`` instead of 0; the Korn-Graubard interval then loses a
    bound. Variances below :data:`SE_TOLERANCE` squared become 0, and with
    them shares within that tolerance of 0 or 1 become exactly 0 or 1.
    """
    var = st.variance
    tiny = np.isfinite(var) & (var < SE_TOLERANCE ** 2)
    est = st.estimate.copy()
    est = np.where(tiny & (np.abs(est - 1) < SE_TOLERANCE), 1.0, est)
    est = np.where(tiny & (np.abs(est) < SE_TOLERANCE), 0.0, est)
    return replace(st, estimate=est, variance=np.where(tiny, 0.0, var))


def share_intervals(st, ci_method: str, level: float):
    """The domain statistics with exact 0/1 shares cleaned, and their interval bounds."""
    if ci_method not in METHODS:
        raise ValueError(f"ci_method must be 'logit' or 'beta', got {ci_method!r}")
    st = exact_shares(st)
    df = st.df[:, None].astype(float)
    low, high = beta_interval(st.estimate, st.variance, st.n_rows[:, None].astype(float),
                              st.n, df, level)
    if ci_method == "logit":
        # the logit of 0 or 1 is undefined: those keep the Clopper-Pearson fallback
        inside = (st.estimate > 0) & (st.estimate < 1)
        logit_low, logit_high = logit_interval(st.estimate, st.variance, df, level)
        low, high = np.where(inside, logit_low, low), np.where(inside, logit_high, high)
    return st, low, high
