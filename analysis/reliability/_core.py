"""Numerical core of :mod:`analysis.reliability`, transcribing psych 2.2.9.

The items of a scale checked and turned into a float matrix (:func:`prepare`);
pairwise-complete covariances and correlations as R's ``cov`` / ``cor`` with
``use = "pairwise"``, the statistics of psych's internal ``alpha.1`` and the
one-factor minimum-residual (minres) solution behind ``psych::fa``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize

#: psych's lower bound on a uniqueness (``fa``'s ``lower = 0.005``).
_MIN_UNIQUENESS = 0.005


def prepare(items: pd.DataFrame) -> np.ndarray:
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


def pairwise_moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairwise-complete covariance, correlation and counts of an ``n x k`` array.

    ``cov[i, j]`` uses the rows where items ``i`` and ``j`` are both answered,
    with means over those rows and denominator ``n_ij - 1`` (R's ``cov(x, use =
    "pairwise")``); ``cor[i, j]`` standardises with the standard deviations over
    the same rows (R's ``cor(x, use = "pairwise")``, not ``cov2cor`` of ``cov``).
    """
    observed = ~np.isnan(x)
    z = np.where(observed, x - np.nanmean(x, axis=0), 0.0)  # centring: less cancellation
    m = observed.astype(float)
    n = m.T @ m
    s = z.T @ m  # s[i, j]: sum of item i over the rows where j is answered
    with np.errstate(divide="ignore", invalid="ignore"):
        cross = (z.T @ z - s * s.T / n) / (n - 1)
        var_i = ((z * z).T @ m - s * s / n) / (n - 1)  # var of item i over rows with j
        cor = cross / np.sqrt(var_i * var_i.T)
    np.fill_diagonal(cor, 1.0)
    return cross, cor, n


def cov2cor(c: np.ndarray) -> np.ndarray:
    """R's ``cov2cor``: scale a covariance matrix to unit diagonal."""
    d = 1.0 / np.sqrt(np.diag(c))
    return c * d[:, None] * d[None, :]


def alpha_1(c: np.ndarray, r: np.ndarray) -> tuple[float, float, float, float]:
    """psych's ``alpha.1``: raw alpha, standardized alpha, average r and Duhachek's Q."""
    k = c.shape[0]
    total, trace = c.sum(), np.trace(c)
    raw = (1 - trace / total) * k / (k - 1)
    std = (1 - k / r.sum()) * k / (k - 1)
    average_r = (r.sum() - k) / (k * (k - 1))
    cc = c @ c
    q = (2 * k**2 / ((k - 1) ** 2 * total**3)) * (
        total * (np.trace(cc) + trace**2) - 2 * trace * cc.sum())
    return raw, std, average_r, q


def alpha_if_dropped(c: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw and standardized alpha without each item (psych's ``alpha.drop``).

    With two items psych reports ``C[1, 2] / C[j, j]`` (``j`` the item kept)
    and ``R[1, 2]``; we do the same.
    """
    k = c.shape[0]
    if k == 2:
        return c[0, 1] / np.diag(c)[::-1], np.full(2, r[0, 1])
    raw, std = np.empty(k), np.empty(k)
    for i in range(k):
        keep = np.arange(k) != i
        raw[i], std[i], _, _ = alpha_1(c[np.ix_(keep, keep)], r[np.ix_(keep, keep)])
    return raw, std


def item_rest(c: np.ndarray) -> np.ndarray:
    """psych's ``r.drop``: correlation of each item with the sum of the others, from ``C``."""
    diag = np.diag(c)
    rest_cov = c.sum(axis=0) - diag
    rest_var = c.sum() - 2 * c.sum(axis=0) + diag
    return rest_cov / np.sqrt(diag * rest_var)


def minres_loadings(r: np.ndarray) -> np.ndarray:
    r"""One-factor minres loadings, as ``psych::fa(r, 1, fm = "minres")`` defines them.

    psych minimises the off-diagonal residual sum of squares
    :math:`f(\psi) = \sum_{i<j} (r_{ij} - \lambda_i \lambda_j)^2` over the
    uniquenesses :math:`0.005 \le \psi_i \le 1`, with :math:`\lambda` the
    first principal axis of :math:`R` with diagonal :math:`1 - \psi`. Inside
    the bounds its minimum is the least-squares fit of :math:`\lambda\lambda^\top`
    to the off-diagonal correlations, solved here to machine precision (psych's
    ``optim`` stops earlier). When that fit needs a communality above 0.995 (a
    Heywood case) we minimise psych's :math:`f(\psi)` within its bounds instead.
    Sign: the loadings sum to >= 0.
    """
    k = r.shape[0]
    rows, cols = np.triu_indices(k, 1)
    target = r[rows, cols]

    def residual(lam):
        return lam[rows] * lam[cols] - target

    def jacobian(lam):
        jac = np.zeros((len(rows), k))
        jac[np.arange(len(rows)), rows] = lam[cols]
        jac[np.arange(len(rows)), cols] = lam[rows]
        return jac

    start = np.sqrt(np.clip(smc(r), 0.01, 1.0))
    fit = optimize.least_squares(residual, start, jac=jacobian, method="lm",
                                 xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=10_000)
    lam = fit.x
    if np.max(lam**2) > 1 - _MIN_UNIQUENESS:
        lam = _bounded_minres(r, rows, cols)
    return -lam if lam.sum() < 0 else lam


def _principal_axis(r: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """First principal axis of ``r`` with diagonal ``1 - psi`` (psych's ``FAout.wls``)."""
    s = r.copy()
    np.fill_diagonal(s, 1 - psi)
    values, vectors = np.linalg.eigh(s)
    return vectors[:, -1] * np.sqrt(max(values[-1], 0.0))


def _bounded_minres(r: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """psych's own minres problem over bounded uniquenesses (Heywood cases)."""
    def f(psi):
        lam = _principal_axis(r, psi)
        return float(np.sum((r[rows, cols] - lam[rows] * lam[cols]) ** 2))

    start = np.clip(1 - smc(r), _MIN_UNIQUENESS, 1.0)
    bounds = [(_MIN_UNIQUENESS, 1.0)] * len(start)
    fit = optimize.minimize(f, start, method="L-BFGS-B", bounds=bounds,
                            options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000})
    return _principal_axis(r, fit.x)


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 - 1 / diag(R^-1)`` (pseudo-inverse if singular),
    set to 0 below 0 and to 1 above 1 as R ``psych::smc`` does.

    Pairwise-complete correlations need not be positive definite: two items every
    pupil of a small group answered alike correlate 1, and with a third item
    correlated inconsistently the inverse exists with a 0 on its diagonal (found
    recomputing a wave after late answers; ``1 / 0`` warned and gave ``-inf``).
    """
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1 - 1 / np.diag(inv)
    return np.clip(np.nan_to_num(out, nan=0.0, neginf=0.0, posinf=1.0), 0.0, 1.0)
