"""McDonald's omega total of one scale, from a one-factor minres model.

Takes the items of one scale as a DataFrame (one column per item, already
reverse-coded, NaN = missing), with pairwise-complete correlations as R's
``psych`` does; checked against psych 2.2.9.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.reliability import _core as core

__all__ = ["omega_total"]


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
    :func:`analysis.reliability.scale_reliability` flags such cases in its ``note``
    column.

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
    x = core.prepare(items)
    if x.shape[1] < 3:
        raise ValueError("omega needs at least 3 items (a one-factor model of 2 is not identified)")
    return _omega_of(core.pairwise_moments(x)[1])


def _omega_of(r: np.ndarray) -> tuple[float, bool]:
    """:func:`_omega` from the pairwise-complete correlations ``r`` of at least 3 items."""
    lam = core.minres_loadings(r)
    key = np.where(lam < 0, -1.0, 1.0)
    vt = (r * key[:, None] * key[None, :]).sum()
    return float((vt - (1 - lam**2).sum()) / vt), bool(np.max(lam**2) > 0.995)
