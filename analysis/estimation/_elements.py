"""Domain statistics for designs whose sampling units are the pupils themselves.

In the census design (R ``svydesign(ids=~1, strata=~cell, fpc=~enrolled)``)
every pupil is a PSU. The general path of :mod:`._linearisation` keeps an
array of (PSU x group x measure) linearised totals, which for pupils as PSUs
grows with pupils x districts x measures (gigabytes for a city). Each
stratum's variance needs only the sum of the pupils' linearised scores and
the sum of their squares, and for the scores
:math:`z_i = w_i (y_i - \\bar y_d) / W_d` of a domain both follow from a few
weighted sums per (stratum x group):

.. math::
   \\sum_{i\\in h} z_i = (S_{wy} - \\bar y_d S_w) / W_d, \\qquad
   \\sum_{i\\in h} z_i^2 = (S_{w^2y^2} - 2\\bar y_d S_{w^2y} + \\bar y_d^2 S_{w^2}) / W_d^2.

The difference of a district from the whole sample needs, in addition, the
cross products of the two scores, which live on the district's pupils only.
The results are the same as the general path's (and R's), in memory of the
order of strata x groups x measures.
"""
from __future__ import annotations

import numpy as np

_SUMS = ("w", "wy", "w2", "w2y", "w2y2", "n")


def _stacked_sums(key, n_keys, cols, w):
    """Per key and column: sums of w, w*y, w^2, w^2*y, w^2*y^2 and the count over rows with
    a value, each as a (n_keys x columns) array from one bincount.

    Why one bincount for all columns: filling a (strata x groups x measures)
    array one measure at a time wrote across the whole array per measure, the
    slowest part of a county's tables. The bins are ordered by column, then
    key (each column's bins stay together while its rows are added); each bin
    still adds its rows' values in row order, so the sums are the same numbers
    as one bincount per column.
    """
    m = len(cols)
    y = np.vstack(cols) if m else np.empty((0, len(key)))        # (M, rows)
    valid = ~np.isnan(y)
    y = np.where(valid, y, 0.0)
    if np.isinf(y).any():
        raise ValueError("measure columns contain infinite values")
    wv = np.where(valid, w, 0.0)
    w2 = wv * w
    keys = (np.arange(m)[:, None] * n_keys + key).ravel()
    return [np.ascontiguousarray(
                np.bincount(keys, weights=v.ravel(), minlength=n_keys * m).reshape(m, n_keys).T)
            for v in (wv, wv * y, w2, w2 * y, w2 * y * y, valid.astype(float))]


def _with_all_in_place(a, n_groups):
    """``_linearisation._with_all`` of a (H, G+1, M) array, reusing its 'no group' slot."""
    a[:, n_groups] = a.sum(axis=1)
    return a


def element_stats(design, cols, gcodes, n_groups, stats_type, with_all, combine):
    """:func:`._linearisation.domain_stats` for a design with one row per PSU."""
    k, n_strata = n_groups + 1, design.n_strata
    h = design.psu_stratum[design.psu]          # stratum of every row
    key = h * k + gcodes
    n_keys = n_strata * k
    w = design.weights
    sums = {name: _with_all_in_place(a.reshape(n_strata, k, len(cols)), n_groups)
            for name, a in zip(_SUMS, _stacked_sums(key, n_keys, cols, w))}  # (H, G+1, M)
    big_w = sums["w"].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ybar = sums["wy"].sum(axis=0) / big_w
        tot = np.nan_to_num((sums["wy"] - ybar * sums["w"]) / big_w)
        ss = np.nan_to_num((sums["w2y2"] - 2 * ybar * sums["w2y"] + ybar ** 2 * sums["w2"])
                           / big_w ** 2)
    cnt = sums["n"]
    var = combine(design, tot, ss, cnt)
    n = cnt.sum(axis=0)
    var = np.where(n < 2, np.nan, var)        # one pupil: nothing to estimate a spread from
    rows = with_all(np.bincount(key, minlength=n_keys).reshape(n_strata, k).astype(float),
                    n_groups)
    rows_w = with_all(np.bincount(key, weights=w, minlength=n_keys).reshape(n_strata, k),
                      n_groups)
    rows_w2 = with_all(np.bincount(key, weights=w * w, minlength=n_keys).reshape(n_strata, k),
                       n_groups)
    n_rows = rows.sum(axis=0)
    df_r = n_rows - (rows > 0).sum(axis=0)
    if design.df_rule == "r":
        df = df_r.astype(float)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = rows_w.sum(axis=0) ** 2 / rows_w2.sum(axis=0)
        df = np.clip(np.nan_to_num(n_eff) - 1.0, 1.0, max(float(design.degf), 1.0))
        df = np.where(n_rows < 2, 0.0, df)
    keep = {name: sums[name] for name in ("w2", "w2y", "w2y2")}
    keep.update(tot=tot, ss=ss, ybar=ybar, big_w=big_w)
    return stats_type(estimate=ybar, variance=var, n=n, psu_totals=None, df=df,
                      n_rows=n_rows, n_psu=n, df_r=df_r, strata_sums=keep)


def element_contrast_variance(design, sums, g, combine):
    """Variance of each group's mean minus the whole sample's (last group slot)."""
    ybar, big_w = sums["ybar"], sums["big_w"]
    yg, ya = ybar[:g], ybar[g:]
    with np.errstate(invalid="ignore", divide="ignore"):
        cross = np.nan_to_num((sums["w2y2"][:, :g] - (yg + ya) * sums["w2y"][:, :g]
                               + yg * ya * sums["w2"][:, :g]) / (big_w[:g] * big_w[g:]))
    tot = sums["tot"][:, :g] - sums["tot"][:, g:]
    ss = sums["ss"][:, :g] - 2 * cross + sums["ss"][:, g:]
    return combine(design, tot, ss, None)
