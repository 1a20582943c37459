"""Area-level small-area estimation: the Fay-Herriot model fitted by REML.

Shown beside the direct estimates, never instead of them: the table keeps the
direct estimate and its standard error next to the EBLUP and its MSE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

__all__ = ["FayHerriotResult", "fay_herriot"]


@dataclass(frozen=True)
class FayHerriotResult:
    """Fitted Fay-Herriot model.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per area: ``area, direct, direct_se, in_sample, synthetic,
        gamma, eblup, g1, g2, g3, mse, rmse`` and, if benchmarked,
        ``eblup_benchmarked``.
    sigma2_v : float
        REML estimate of the model (random-effect) variance; 0 at the boundary.
    beta : pandas.Series
        Regression coefficients (``const`` first).
    beta_cov : pandas.DataFrame
        Their covariance ``(X' V^-1 X)^-1``.
    iterations : int
        Fisher-scoring iterations used.
    """

    table: pd.DataFrame
    sigma2_v: float
    beta: pd.Series
    beta_cov: pd.DataFrame
    iterations: int


def fay_herriot(
    data: pd.DataFrame,
    estimate: str = "estimate",
    se: str = "se",
    covariates: Sequence[str] = (),
    area: str = "group",
    *,
    benchmark: float | None = None,
    benchmark_weights: str | None = None,
    benchmark_method: str = "ratio",
    tol: float = 1e-10,
    max_iter: int = 500,
) -> FayHerriotResult:
    """Fit the Fay-Herriot model by REML and predict every area (EBLUP with MSE).

    Model: direct estimate ``y_d = theta_d + e_d`` with ``e_d ~ N(0, psi_d)``
    (``psi_d = se_d**2``, the design-based sampling variance, taken as known)
    and ``theta_d = x_d' beta + v_d`` with ``v_d ~ N(0, sigma_v^2)``.

    * ``sigma_v^2`` by REML (Fisher scoring, score ``-tr(P)/2 + y'PPy/2``,
      information ``tr(PP)/2``, ``P = V^-1 - V^-1 X (X'V^-1 X)^-1 X'V^-1``,
      ``V = diag(sigma_v^2 + psi_d)``); a step below 0 is truncated at 0
      (the boundary estimate, where all EBLUPs equal the synthetic estimates;
      there ``mse = g2 + 2 g3`` may exceed ``psi_d`` for precise areas, in
      which case the direct estimate is the better figure to show).
    * ``beta = (X'V^-1 X)^-1 X'V^-1 y`` (GLS), ``gamma_d = sigma_v^2 /
      (sigma_v^2 + psi_d)``, ``EBLUP_d = gamma_d y_d + (1 - gamma_d) x_d' beta``.
    * MSE by Prasad-Rao for REML (Datta & Lahiri 2000; Rao & Molina 2015,
      eq. 6.2.32): ``mse_d = g1 + g2 + 2 g3`` with ``g1 = gamma_d psi_d``,
      ``g2 = (1 - gamma_d)^2 x_d'(X'V^-1 X)^-1 x_d``, ``g3 = psi_d^2 /
      (sigma_v^2 + psi_d)^3 * 2 / sum_d (sigma_v^2 + psi_d)^-2``. At
      ``sigma_v^2 = 0`` the same formula applies (``g1 = 0``).
    * Areas without a direct estimate (no respondents; NaN estimate) get the
      synthetic estimate ``x_d' beta`` with ``mse = sigma_v^2 +
      x_d'(X'V^-1 X)^-1 x_d`` (Rao & Molina 2015, sec. 6.2.3).
    * Optional benchmarking to a city figure ``T`` (the city's direct
      estimate) with weights ``w_d`` (e.g. population shares, rescaled to sum
      to 1, over all areas): ratio ``EBLUP_d * T / sum(w EBLUP)`` or
      difference ``EBLUP_d + T - sum(w EBLUP)``; both give ``sum(w
      EBLUP^B) = T``. The MSE columns refer to the unbenchmarked EBLUP.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per area: area id, direct estimate (NaN where no pupil
        answered), its standard error, covariates (complete for all areas).
    estimate, se, area : str
        Column names of the direct estimate, its standard error and the area.
    covariates : sequence of str
        Area-level covariates (e.g. a child-poverty rate); an intercept is
        always included.
    benchmark : float, optional
        City figure the weighted EBLUPs are made to add up to.
    benchmark_weights : str, optional
        Column of area weights for benchmarking (required with ``benchmark``).
    benchmark_method : {"ratio", "difference"}
    tol, max_iter : float, int
        Convergence: stop when the change in ``sigma_v^2`` is below ``tol *
        (1 + sigma_v^2)``.

    Returns
    -------
    FayHerriotResult

    References
    ----------
    Fay, R. E. & Herriot, R. A. (1979). Estimates of income for small places.
    *JASA* 74, 269-277.
    Datta, G. S. & Lahiri, P. (2000). A unified measure of uncertainty of
    estimated best linear unbiased predictors in small area estimation
    problems. *Statistica Sinica* 10, 613-627.
    Rao, J. N. K. & Molina, I. (2015). *Small Area Estimation*, 2nd ed.,
    ch. 6. Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.small_area import fay_herriot
    >>> districts = pd.DataFrame({
    ...     "group": ["A", "B", "C", "D", "E", "F"],
    ...     "estimate": [3.1, 3.6, 3.3, 2.8, 3.9, None],
    ...     "se": [0.20, 0.10, 0.30, 0.15, 0.25, None],
    ...     "poverty": [0.30, 0.10, 0.20, 0.35, 0.25, 0.15]})
    >>> fit = fay_herriot(districts, covariates=["poverty"])
    >>> round(fit.sigma2_v, 4)
    0.0901
    >>> fit.table[["area", "direct", "eblup", "rmse"]].round(3)
      area  direct  eblup   rmse
    0    A     3.1  3.114  0.201
    1    B     3.6  3.611  0.105
    2    C     3.3  3.364  0.265
    3    D     2.8  2.841  0.158
    4    E     3.9  3.649  0.235
    5    F     NaN  3.570  0.372
    """
    y, psi, X, names, ids = _inputs(data, estimate, se, covariates, area)
    seen = ~np.isnan(y)
    sigma2, iterations = _reml(y[seen], X[seen], psi[seen], tol, max_iter)
    var = sigma2 + psi[seen]
    Xs = X[seen]
    beta_cov = np.linalg.inv(Xs.T @ (Xs / var[:, None]))
    beta = beta_cov @ (Xs.T @ (y[seen] / var))
    synthetic = X @ beta
    lever = np.einsum("ij,jk,ik->i", X, beta_cov, X)  # x_d' (X'V^-1 X)^-1 x_d
    gamma = np.where(seen, sigma2 / (sigma2 + np.where(seen, psi, 1.0)), 0.0)
    eblup = np.where(seen, gamma * np.nan_to_num(y) + (1 - gamma) * synthetic, synthetic)
    total = sigma2 + psi
    g1 = np.where(seen, gamma * psi, sigma2)
    g2 = (1 - gamma) ** 2 * lever
    g3 = np.where(seen, psi**2 / total**3 * 2.0 / np.sum(var**-2.0), 0.0)
    mse = g1 + g2 + 2 * g3
    table = pd.DataFrame({
        "area": ids, "direct": y, "direct_se": np.sqrt(psi), "in_sample": seen,
        "synthetic": synthetic, "gamma": np.where(seen, gamma, np.nan), "eblup": eblup,
        "g1": g1, "g2": g2, "g3": g3, "mse": mse, "rmse": np.sqrt(mse)})
    if benchmark is not None or benchmark_weights is not None:
        table["eblup_benchmarked"] = _benchmark(eblup, data, benchmark, benchmark_weights, benchmark_method)
    return FayHerriotResult(table, float(sigma2), pd.Series(beta, index=names),
                            pd.DataFrame(beta_cov, index=names, columns=names), iterations)


def _inputs(data, estimate, se, covariates, area):
    if not isinstance(data, pd.DataFrame):
        raise ValueError("data must be a pandas DataFrame")
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    missing = [c for c in [estimate, se, area, *covariates] if c not in data.columns]
    if missing:
        raise ValueError(f"columns not in data: {', '.join(map(str, missing))}")
    if data[area].duplicated().any():
        raise ValueError(f"areas must be unique; repeated: {sorted(data.loc[data[area].duplicated(), area].astype(str))}")
    y = pd.to_numeric(data[estimate], errors="coerce").to_numpy(float)
    s = pd.to_numeric(data[se], errors="coerce").to_numpy(float)
    seen = ~np.isnan(y)
    bad = seen & ~(s > 0)
    if bad.any():
        raise ValueError("the standard error must be positive wherever there is a direct estimate "
                         f"(areas {', '.join(map(str, data[area][bad]))}); pool or smooth zero variances first")
    X = np.column_stack([np.ones(len(data))] + [pd.to_numeric(data[c], errors="coerce").to_numpy(float)
                                                for c in covariates])
    if np.isnan(X).any():
        raise ValueError("covariates must be complete for every area")
    if seen.sum() <= X.shape[1]:
        raise ValueError(f"need more areas with a direct estimate ({seen.sum()}) than coefficients ({X.shape[1]})")
    if np.linalg.matrix_rank(X[seen]) < X.shape[1]:
        raise ValueError("the covariates are collinear (with each other or the intercept) among the sampled areas")
    psi = np.where(seen, s**2, np.nan)
    return y, psi, X, ["const", *covariates], data[area].to_numpy()


def _reml(y, X, psi, tol, max_iter):
    """REML estimate of sigma_v^2 by Fisher scoring, truncated at 0.

    Near 0 a Fisher step can overshoot and the iteration oscillate; once the
    score has changed sign, the root is bracketed and Brent's method finds it.
    """
    resid = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    m, p = X.shape  # start: Prasad-Rao moment estimator, floored at 0
    sigma2 = max(0.0, (resid @ resid - np.sum(psi) + np.trace(np.linalg.pinv(X.T @ X) @ (X.T * psi) @ X)) / (m - p))

    def score_and_information(s2):
        vinv = 1.0 / (s2 + psi)
        XV = X * vinv[:, None]
        P = np.diag(vinv) - XV @ np.linalg.solve(X.T @ XV, XV.T)
        Py = P @ y
        return -0.5 * np.trace(P) + 0.5 * Py @ Py, 0.5 * np.sum(P * P)

    low, high = None, None  # last points with a positive / a negative score
    for iteration in range(1, max_iter + 1):
        score, information = score_and_information(sigma2)
        if score > 0:
            low = sigma2
        else:
            high = sigma2
        new = max(0.0, sigma2 + score / information)
        if abs(new - sigma2) <= tol * (1.0 + sigma2):
            return new, iteration
        if low is not None and high is not None and iteration > 3:
            root = optimize.brentq(lambda s2: score_and_information(s2)[0], min(low, high), max(low, high),
                                   xtol=tol * (1.0 + max(low, high)) / 4, maxiter=max_iter)
            return root, iteration
        sigma2 = new
    raise ValueError(f"REML did not converge in {max_iter} iterations")


def _benchmark(eblup, data, target, weights, method):
    if target is None or weights is None:
        raise ValueError("benchmarking needs both benchmark (the city figure) and benchmark_weights")
    if method not in ("ratio", "difference"):
        raise ValueError(f"benchmark_method must be 'ratio' or 'difference', got {method!r}")
    if weights not in data.columns:
        raise ValueError(f"benchmark_weights column {weights!r} not in data")
    w = pd.to_numeric(data[weights], errors="coerce").to_numpy(float)
    if np.isnan(w).any() or (w < 0).any() or w.sum() <= 0:
        raise ValueError("benchmark weights must be non-negative numbers with a positive sum")
    w = w / w.sum()
    current = float(w @ eblup)
    if method == "difference":
        return eblup + (target - current)
    if current == 0:
        raise ValueError("ratio benchmarking is undefined when the weighted EBLUPs add up to 0")
    return eblup * (target / current)
