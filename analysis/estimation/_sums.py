"""The one pass over the pupils: weighted sums and counts per (PSU x group) key.

This is the only part of the estimation that touches every row, so it is kept
to the minimum: per measure one multiply into a reused buffer and one
``np.bincount``. Missing values are rare, so instead of a second full
``bincount`` per measure for the counts and the domain weights, the missing
entries are taken off the complete-row sums with a small ``bincount`` over
the missing rows only. Infinite values are found from
the sums (a finite sum has no infinite term), not by another pass per measure.
"""
from __future__ import annotations

import numpy as np


def domain_sums(key: np.ndarray, n_keys: int, cols: list[np.ndarray], w: np.ndarray,
                unweighted: bool):
    """Sums per key: rows, and per measure ``sum w*y``, ``sum w`` and the count.

    Returns ``rows`` (n_keys,) as float and ``s1``, ``s0``, ``cnt`` as
    (n_keys, M). Rows with a missing value of a measure (NaN) are left out of
    that measure's sums; where a key has no value at all ``s0`` is exactly 0.
    ``s0`` is ``rows_w - missing_w``, as the package has always computed it.

    Raises ``ValueError`` if a measure holds an infinite value.
    """
    m_count = len(cols)
    rows = np.bincount(key, minlength=n_keys).astype(float)
    rows_w = rows if unweighted else np.bincount(key, weights=w, minlength=n_keys)
    s1, n_miss, w_miss = np.empty((m_count, n_keys)), np.zeros((m_count, n_keys)), None
    if not unweighted:
        w_miss = np.zeros((m_count, n_keys))
    buf = np.empty(len(key))
    isnan = np.empty(len(key), dtype=bool)
    for m, col in enumerate(cols):
        y = col if unweighted else np.multiply(col, w, out=buf)
        if np.isnan(y, out=isnan).any():
            miss = np.flatnonzero(isnan)
            if unweighted:
                np.copyto(buf, col)
                y = buf
            y[miss] = 0.0
            mkey = key[miss]
            n_miss[m] = np.bincount(mkey, minlength=n_keys)
            if not unweighted:
                w_miss[m] = np.bincount(mkey, weights=w[miss], minlength=n_keys)
        s1[m] = np.bincount(key, weights=y, minlength=n_keys)
        if not np.isfinite(s1[m]).all() and np.isinf(col).any():
            raise ValueError("measure columns contain infinite values")
    # (n_keys, M) in C order: the layout (and so the summation order) used downstream
    s1 = np.ascontiguousarray(s1.T)
    cnt = (rows - n_miss).T.copy()
    if unweighted:
        return rows, s1, cnt.copy(), cnt
    s0 = np.where(cnt > 0, (rows_w - w_miss).T, 0.0)
    return rows, s1, s0, cnt
