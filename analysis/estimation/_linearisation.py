"""Vectorised domain means with Taylor-linearised variances (R ``survey`` rules).

Everything heavy is one ``np.bincount`` per measure over the key
``psu * n_codes + group`` (see :mod:`._sums`); the rest works on (PSU x group x measure) arrays,
which are small (schools x districts x measures).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._sums import domain_sums
from .design import SurveyDesign


@dataclass(frozen=True)
class _DomainStats:
    """Per (group, measure): estimate, variance, n and linearised PSU totals.

    Groups are the ``n_groups`` codes followed by the whole sample ("all").
    """

    estimate: np.ndarray        # (G+1, M)
    variance: np.ndarray        # (G+1, M)
    n: np.ndarray               # (G+1, M) pupils with a value
    psu_totals: np.ndarray | None  # (P, G+1, M) linearised totals (None: element design)
    df: np.ndarray              # (G+1,) degrees of freedom by the design's df rule
    n_rows: np.ndarray          # (G+1,) nrow() of the group's subset design
    n_psu: np.ndarray           # (G+1, M) PSUs with a value of the measure in the group
    df_r: np.ndarray            # (G+1,) R degf of the group's subset design
    strata_sums: dict | None = None  # element designs: weighted sums per (stratum, group)


def _with_all(a: np.ndarray, n_groups: int) -> np.ndarray:
    """Drop the 'no group' slot (axis 1) and append the whole-sample sum."""
    return np.concatenate([a[:, :n_groups], a.sum(axis=1, keepdims=True)], axis=1)


def _calibration_residual(design, cols, gcodes, n_groups, ybar, total_w) -> np.ndarray:
    """PSU totals of R's post-stratification / raking adjustment (to subtract).

    Follows ``survey:::svyrecvar``: within each calibration cell the mean of
    ``x / w`` (weighted by ``omega``) times ``w`` is removed from the scores
    ``x``; for raking this sweeps over the margins ``sweeps`` times. Because
    the operation is linear it runs on cell sums instead of rows.
    """
    cal = design.calibration
    k = n_groups + 1
    s, b, omega_tot = [], [], []
    for margin, n_cells in zip(cal.margins, cal.n_cells):
        key = margin * k + gcodes
        s1 = np.empty((n_cells * k, len(cols)))
        s0 = np.empty_like(s1)
        for m, col in enumerate(cols):       # omega * x / w = omega * d * v * (y - ybar) / W
            valid = ~np.isnan(col)
            s1[:, m] = np.bincount(key, weights=np.where(valid, col, 0.0) * cal.omega,
                                   minlength=n_cells * k)
            s0[:, m] = np.bincount(key, weights=valid * cal.omega, minlength=n_cells * k)
        s1 = _with_all(s1.reshape(n_cells, k, -1), n_groups)
        s0 = _with_all(s0.reshape(n_cells, k, -1), n_groups)
        s.append((s1 - ybar * s0) / total_w)
        b.append(np.bincount(design.psu * n_cells + margin, weights=design.weights,
                             minlength=design.n_psu * n_cells).reshape(design.n_psu, n_cells))
        omega_tot.append(np.bincount(margin, weights=cal.omega, minlength=n_cells))
    cross = {(i, j): np.bincount(mi * cal.n_cells[j] + mj, weights=cal.omega,
                                 minlength=cal.n_cells[i] * cal.n_cells[j]
                                 ).reshape(cal.n_cells[i], cal.n_cells[j])
             for i, mi in enumerate(cal.margins) for j, mj in enumerate(cal.margins)}
    alpha = [np.zeros_like(si) for si in s]
    for _ in range(cal.sweeps):
        for i in range(len(s)):
            current = s[i] - sum(np.tensordot(cross[i, j], alpha[j], axes=1)
                                 for j in range(len(s)))
            tot = omega_tot[i][:, None, None]
            alpha[i] = alpha[i] + current / np.where(tot > 0, tot, 1.0)
    return sum(np.tensordot(bi, ai, axes=1) for bi, ai in zip(b, alpha))


def _membership(h_of_p: np.ndarray, n_strata: int) -> np.ndarray:
    """Strata x PSU 0/1 matrix (small: strata x schools)."""
    member = np.zeros((n_strata, len(h_of_p)))
    member[h_of_p, np.arange(len(h_of_p))] = 1.0
    return member


def _stratum_variance(design: SurveyDesign, t: np.ndarray, n_sub: np.ndarray | None) -> np.ndarray:
    """R ``onestage``/``onestrat`` on PSU totals ``t`` (P, ...).

    ``n_sub`` (H, ...) counts PSUs per stratum that are in the subset design
    (``None``: the full design, every PSU present).
    """
    h_of_p, n_h = design.psu_stratum, design.psu_per_stratum
    shape = (len(n_h),) + t.shape[1:]
    flat = t.reshape(t.shape[0], -1)
    member = _membership(h_of_p, len(n_h))
    tot, ss = (member @ flat).reshape(shape), (member @ flat ** 2).reshape(shape)
    return combine_strata(design, tot, ss, n_sub)


def stratum_terms(design: SurveyDesign, h: np.ndarray, tot: np.ndarray, ss: np.ndarray,
                  n_sub: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R's ``onestrat`` for rows of stratum sums: each row ``i`` belongs to stratum ``h[i]``.

    ``tot`` and ``ss`` (rows, ...) are sums of PSU totals and of their squares;
    a row is a stratum (:func:`combine_strata`) or a (stratum, group) pair
    (:mod:`._elements`). Returns each row's contribution (0 where it does not
    count), whether the row is in the subset design (``present``) and whether
    it counts (``ok``; ``lonely_psu="average"`` leaves lonely strata out and
    scales the others up). ``n_sub`` as in :func:`_stratum_variance`.
    """
    nh = design.psu_per_stratum[h].reshape((-1,) + (1,) * (tot.ndim - 1)).astype(float)
    if n_sub is None:
        n_sub = np.broadcast_to(nh, tot.shape)
    centred = ss - tot ** 2 / nh
    scale = np.where(nh > 1, nh / np.maximum(nh - 1, 1), 1.0)
    census = np.zeros_like(nh, dtype=bool)
    if design.population is not None:    # R onestrat: f = (N - n) / N, 0 when all observed
        big_n = design.population[h].reshape(nh.shape)
        fraction = (big_n - nh) / big_n
        census = fraction < 1e-7
        scale = scale * np.where(census, 0.0, fraction)
    lonely, mode = design.lonely_psu, design.adjust_domain_lonely
    domain_lonely = (n_sub == 1) & (nh > 1) & mode
    uncentred = (nh == 1) & (lonely == "adjust") | domain_lonely & (lonely == "adjust")
    contrib = np.where(uncentred, ss, centred) * scale
    missing = (lonely == "average") & ((nh == 1) | domain_lonely) & ~census
    present = n_sub > 0
    ok = present & ~missing
    return np.where(ok, contrib, 0.0), present, ok


def strata_total(total: np.ndarray, n_strat: np.ndarray, n_ok: np.ndarray) -> np.ndarray:
    """The variance from the summed contributions, scaled up for left-out lonely strata."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_strat == 0, 0.0, total * n_strat / n_ok)


def combine_strata(design: SurveyDesign, tot: np.ndarray, ss: np.ndarray,
                   n_sub: np.ndarray | None) -> np.ndarray:
    """The variance from per-stratum sums (H, ...) of PSU totals ``tot`` and squares ``ss``.

    R's ``onestrat`` per stratum (:func:`stratum_terms`: centring, or not for
    lonely PSUs, the ``n/(n-1)`` factor, the finite population correction, the
    lonely-PSU rules), summed over the strata; ``n_sub`` as in
    :func:`_stratum_variance`.
    """
    contrib, present, ok = stratum_terms(design, np.arange(tot.shape[0]), tot, ss, n_sub)
    return strata_total(contrib.sum(axis=0), present.sum(axis=0), ok.sum(axis=0))


def domain_stats(design: SurveyDesign, cols: list[np.ndarray], gcodes: np.ndarray,
                 n_groups: int) -> _DomainStats:
    """Estimates and variances of means of each column (NaN = missing) by group.

    ``gcodes`` holds 0..n_groups-1, or ``n_groups`` for rows in no group (they
    still count for the whole sample). Rows with a missing value are outside
    the domain of that measure (R ``na.rm=TRUE``); groups are domains of the
    whole design (R ``svyby`` on subsets that keep the full design's PSU counts).
    """
    if design.cluster is None and design.calibration is None:
        from ._elements import element_stats   # one row per PSU: sums per stratum suffice

        return element_stats(design, cols, gcodes, n_groups, _DomainStats)
    k, p = n_groups + 1, design.n_psu
    w = design.weights
    unweighted = bool(np.all(w == 1.0))
    key = design.psu * k + gcodes
    n_keys = p * k
    rows, s1, s0, cnt = domain_sums(key, n_keys, cols, w, unweighted)
    s1, s0, cnt = (_with_all(a.reshape(p, k, -1), n_groups) for a in (s1, s0, cnt))
    total_w = s0.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ybar = s1.sum(axis=0) / total_w
        t = (s1 - ybar * s0) / total_w
    if design.calibration is not None:
        t = t - _calibration_residual(design, cols, gcodes, n_groups, ybar, total_w)
        n_sub = None
    else:
        member = _membership(design.psu_stratum, design.n_strata)
        n_sub = (member @ (cnt > 0).reshape(p, -1)).reshape((design.n_strata,) + cnt.shape[1:])
    var = _stratum_variance(design, np.nan_to_num(t), n_sub)
    n_psu = (cnt > 0).sum(axis=0)
    # one PSU: its linearised total is 0 by construction, so the "variance" is 0 (or
    # only calibration noise) although nothing about it can be estimated
    var = np.where(n_psu < 2, np.nan, var)
    rows = _with_all(rows.reshape(p, k), n_groups)
    psu_in = rows > 0
    strata_in = _membership(design.psu_stratum, design.n_strata) @ psu_in > 0
    df_r = psu_in.sum(axis=0) - strata_in.sum(axis=0)
    if design.df_rule == "r":
        df = df_r.astype(float)
    else:
        w_psu = rows if unweighted else _with_all(
            np.bincount(key, weights=w, minlength=n_keys).reshape(p, k), n_groups)
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = w_psu.sum(axis=0) ** 2 / (w_psu ** 2).sum(axis=0)
        # at least 1 where two or more PSUs hold the group (t with 1 df: a wide interval
        # rather than none), at most the design's own degrees of freedom
        df = np.clip(np.nan_to_num(n_eff) - 1.0, 1.0, max(float(design.degf), 1.0))
        df = np.where(psu_in.sum(axis=0) < 2, 0.0, df)
    n_rows = rows.sum(axis=0) if design.calibration is None else np.full(n_groups + 1, len(w))
    return _DomainStats(estimate=ybar, variance=var, n=cnt.sum(axis=0), psu_totals=t, df=df,
                        n_rows=n_rows, n_psu=n_psu, df_r=df_r)


def contrast_variance(design: SurveyDesign, t: np.ndarray) -> np.ndarray:
    """Variance of a linear combination whose PSU totals are ``t`` (full design)."""
    return _stratum_variance(design, t, None)


def city_contrast_variance(design: SurveyDesign, st: _DomainStats, g: int) -> np.ndarray:
    """Variance (g, M) of each group's mean minus the whole sample's, in the same design."""
    if st.psu_totals is not None:
        return contrast_variance(design, st.psu_totals[:, :g] - st.psu_totals[:, g:])
    from ._elements import element_contrast_variance

    return element_contrast_variance(design, st.strata_sums, g)
