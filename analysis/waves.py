"""The change since the previous wave, and the check that it is another wave.

Two waves are different answers, so their difference isolates no pupil; two
computations of one wave are not, and go through
:func:`analysis.disclosure.protect_release` instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.estimation import compare_waves

__all__ = ["compare_with_previous", "same_pupils"]


def compare_with_previous(table: pd.DataFrame, previous: pd.DataFrame,
                          adjust: str = "holm") -> pd.DataFrame:
    """Add the change since the previous wave: ``diff_previous, p_value_previous,
    p_adjusted_previous``.

    ``previous`` is the published table of the earlier wave (as written by
    :func:`analyse`); rows suppressed in either wave get no comparison, so
    nothing hidden is revealed by a difference. The waves are independent
    samples (:func:`analysis.estimation.compare_waves`); p-values are adjusted
    across the groups of each measure. Different waves are different answers,
    so a difference covers the pupils of both; an earlier computation of the
    same wave is refused (its differences could isolate a few late or
    withdrawn pupils: see :func:`analysis.disclosure.protect_release`).

    Examples
    --------
    >>> keys = {"group_var": "district", "group": ["a", "b"], "measure": "x",
    ...         "statistic": "mean", "df": 12.0}
    >>> now = pd.DataFrame({**keys, "estimate": [3.5, 3.0], "se": [0.3, 0.2]})
    >>> before = pd.DataFrame({**keys, "estimate": [3.1, None], "se": [0.4, None]})
    >>> compare_with_previous(now, before)["diff_previous"].round(6).tolist()
    [0.4, nan]
    """
    repeated = same_pupils(table, previous)
    if repeated:
        raise ValueError(f"the previous estimates are another computation of this wave, not a previous "
                         f"wave ({len(repeated)} groups, e.g. {repeated[0][1]!r}, have identical figures): "
                         "compare releases of one wave with analyse(previous=...) instead")
    keys = ["group_var", "group", "measure", "statistic"]
    previous = previous.copy()
    for column in keys:
        previous[column] = previous[column].astype(str)
    current = table.copy()
    for column in keys:
        current[column] = current[column].astype(str)
    usable = lambda t: t[t["estimate"].notna() & t["se"].notna()]  # noqa: E731
    changes = compare_waves(usable(current), usable(previous), adjust=adjust)
    changes = changes[keys + ["diff", "p_value", "p_adjusted"]].rename(columns={
        "diff": "diff_previous", "p_value": "p_value_previous",
        "p_adjusted": "p_adjusted_previous"})
    merged = current.merge(changes, on=keys, how="left")
    city = merged["group"] == "all"  # a family of one test: nothing to adjust
    merged.loc[city, "p_adjusted_previous"] = merged.loc[city, "p_value_previous"]
    merged.index = table.index
    for column in keys:
        merged[column] = table[column]
    return merged


def same_pupils(table: pd.DataFrame, other: pd.DataFrame, min_rows: int = 3) -> list[tuple]:
    """Groups whose published figures are identical in two tables: the same pupils twice.

    Two waves are different answers, so comparing them isolates no pupil;
    two computations of one wave are not, and must go through
    :func:`analysis.disclosure.protect_release`. A group whose every figure published in both
    (at least ``min_rows``) has the same ``n`` and estimate is taken as the
    same pupils.

    Examples
    --------
    >>> t = pd.DataFrame({"group_var": "district", "group": ["a"] * 3 + ["b"] * 3,
    ...                   "measure": ["x", "y", "z"] * 2, "statistic": "mean",
    ...                   "n": 20, "estimate": [3.1, 2.9, 3.3, 3.0, 3.2, 2.8]})
    >>> same_pupils(t, t.assign(estimate=t["estimate"].where(t["group"] == "a", 3.5)))
    [('district', 'a')]
    """
    keys = ["group_var", "group", "measure", "statistic"]
    values = [c for c in ("n", "estimate", "se") if c in table.columns and c in other.columns]
    if "estimate" not in values:
        return []

    def shown(t):
        t = t[t["estimate"].notna()][keys + values].copy()
        for column in keys:
            t[column] = t[column].astype(str)
        return t

    both = shown(table).merge(shown(other), on=keys)
    if both.empty:
        return []
    equal = pd.Series(True, index=both.index)
    for c in values:
        x, y = both[f"{c}_x"].astype(float), both[f"{c}_y"].astype(float)
        equal &= np.isclose(x, y, rtol=1e-12, atol=1e-12) | (x.isna() & y.isna())
    per_group = equal.groupby([both["group_var"], both["group"]]).agg(["all", "size"])
    flagged = per_group[per_group["all"] & (per_group["size"] >= min_rows)]
    return [tuple(i) for i in flagged.index]
