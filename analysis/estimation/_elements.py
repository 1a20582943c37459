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
The results are the same as the general path's (and R's).

The sums are kept per *occupied* (stratum, group) pair, not as a dense
strata x groups x measures array: in a county's school table each stratum (a
class's cell) lies in one school, so a dense array of 750 strata x 127 groups
x some hundred measures and categories would be almost all zeros, and filling
and reducing it was most of the computation. The sums over strata add the
occupied pairs one by one in stratum order, where numpy summed the dense
array pairwise: the figures agree with the dense computation to the last bit
or two (absolute differences below 1e-15 on estimates and standard errors).
"""
from __future__ import annotations

import numpy as np

from ._linearisation import strata_total, stratum_terms

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


class _Pairs:
    """The occupied (stratum, group) pairs of a grouping, and sums over them.

    Rows are the pairs with a group (sorted by stratum, then group) followed by
    one "whole sample" pair per stratum (group ``n_groups``); rows in no group
    count only for the whole sample.
    """

    def __init__(self, h: np.ndarray, gcodes: np.ndarray, n_groups: int):
        k = n_groups + 1
        keys, self.row_pair = np.unique(h * k + gcodes, return_inverse=True)
        ph, pg = keys // k, keys % k
        self._starts = np.flatnonzero(np.r_[True, ph[1:] != ph[:-1]])
        self._grouped = pg < n_groups
        self.h = np.concatenate([ph[self._grouped], ph[self._starts]])
        self.g = np.concatenate([pg[self._grouped], np.full(len(self._starts), n_groups)])
        self.n_raw, self.n_groups = len(keys), n_groups
        self.whole = np.flatnonzero(self.g == n_groups)       # rows of the whole sample

    def with_all(self, a: np.ndarray) -> np.ndarray:
        """Sums per raw pair (pairs x ...) -> rows: grouped pairs, then each stratum's total."""
        return np.concatenate([a[self._grouped], np.add.reduceat(a, self._starts, axis=0)])

    def by_group(self, a: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Sum rows (rows x M, or rows) over strata: (groups + 1) x M, in stratum order."""
        g = self.g if rows is None else self.g[rows]
        a2 = a.reshape(len(g), -1)
        m = a2.shape[1]
        keys = (g[:, None] * m + np.arange(m)).ravel()
        out = np.bincount(keys, weights=a2.ravel(), minlength=(self.n_groups + 1) * m)
        return out.reshape((self.n_groups + 1,) + a.shape[1:])


def element_stats(design, cols, gcodes, n_groups, stats_type):
    """:func:`._linearisation.domain_stats` for a design with one row per PSU."""
    h = design.psu_stratum[design.psu]          # stratum of every row
    pairs = _Pairs(h, gcodes, n_groups)
    w = design.weights
    sums = {name: pairs.with_all(a)
            for name, a in zip(_SUMS, _stacked_sums(pairs.row_pair, pairs.n_raw, cols, w))}
    big_w = pairs.by_group(sums["w"])                                     # (G+1, M)
    with np.errstate(invalid="ignore", divide="ignore"):
        ybar = pairs.by_group(sums["wy"]) / big_w
        yq, wq = ybar[pairs.g], big_w[pairs.g]
        tot = np.nan_to_num((sums["wy"] - yq * sums["w"]) / wq)
        ss = np.nan_to_num((sums["w2y2"] - 2 * yq * sums["w2y"] + yq ** 2 * sums["w2"]) / wq ** 2)
    cnt = sums["n"]
    contrib, present, ok = stratum_terms(design, pairs.h, tot, ss, cnt)
    var = strata_total(pairs.by_group(contrib), pairs.by_group(present.astype(float)),
                       pairs.by_group(ok.astype(float)))
    n = pairs.by_group(cnt)
    var = np.where(n < 2, np.nan, var)        # one pupil: nothing to estimate a spread from

    def per_group(weights):
        return pairs.by_group(pairs.with_all(
            np.bincount(pairs.row_pair, weights=weights, minlength=pairs.n_raw)))

    n_rows = per_group(None)
    df_r = n_rows - np.bincount(pairs.g, minlength=n_groups + 1)
    if design.df_rule == "r":
        df = df_r.astype(float)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = per_group(w) ** 2 / per_group(w * w)
        df = np.clip(np.nan_to_num(n_eff) - 1.0, 1.0, max(float(design.degf), 1.0))
        df = np.where(n_rows < 2, 0.0, df)
    keep = {name: sums[name] for name in ("w2", "w2y", "w2y2")}
    keep.update(tot=tot, ss=ss, ybar=ybar, big_w=big_w, pairs=pairs)
    return stats_type(estimate=ybar, variance=var, n=n, psu_totals=None, df=df,
                      n_rows=n_rows, n_psu=n, df_r=df_r, strata_sums=keep)


def element_contrast_variance(design, sums, g):
    """Variance of each group's mean minus the whole sample's (last group slot).

    The contrast's scores are the group's minus the whole sample's, so in a
    stratum without pupils of the group its term is the whole sample's own
    term: the variance is the sum of the whole sample's terms over all strata,
    corrected where the group has pupils (a dense strata x groups sum would
    add the same terms, in another order).
    """
    pairs: _Pairs = sums["pairs"]
    ybar, big_w = sums["ybar"], sums["big_w"]
    rows = np.flatnonzero(pairs.g < g)
    whole = pairs.whole
    at = np.full(design.n_strata, -1)
    at[pairs.h[whole]] = np.arange(len(whole))
    mine = whole[at[pairs.h[rows]]]                  # the whole sample's row of each pair's stratum
    gq = pairs.g[rows]
    yg, ya, wg, wa = ybar[gq], ybar[g], big_w[gq], big_w[g]
    with np.errstate(invalid="ignore", divide="ignore"):
        cross = np.nan_to_num((sums["w2y2"][rows] - (yg + ya) * sums["w2y"][rows]
                               + yg * ya * sums["w2"][rows]) / (wg * wa))
    tot = sums["tot"][rows] - sums["tot"][mine]
    ss = sums["ss"][rows] - 2 * cross + sums["ss"][mine]
    strata = np.arange(design.n_strata)
    own_tot = np.zeros((design.n_strata,) + tot.shape[1:])
    own_ss = np.zeros_like(own_tot)
    own_tot[pairs.h[whole]] = -sums["tot"][whole]
    own_ss[pairs.h[whole]] = sums["ss"][whole]
    own, present, ok = stratum_terms(design, strata, own_tot, own_ss, None)
    mixed, _, _ = stratum_terms(design, pairs.h[rows], tot, ss, None)
    total = own.sum(axis=0) + pairs.by_group(mixed - own[pairs.h[rows]], rows)[:g]
    return strata_total(total, present.sum(axis=0), ok.sum(axis=0))
