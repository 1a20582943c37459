"""Figures computed from the published table only: adjusted p-values, small-area estimates.

Groups hidden by disclosure control must influence nothing that is published:
the p-values are adjusted across the published groups of each measure, and the
Fay-Herriot model is fitted to the published groups' direct estimates, so that
every figure here is a function of published figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.estimation import adjust_pvalues
from analysis.questionnaire.model import DONT_KNOW
from analysis.small_area import fay_herriot

__all__ = ["SMALL_AREA_COLUMNS", "add_small_area_estimates", "readjust_published"]

#: Columns of the Fay-Herriot model, shown beside (never instead of) the direct estimate.
SMALL_AREA_COLUMNS = ("sae_estimate", "sae_rmse", "sae_shrinkage")


def add_small_area_estimates(estimates: pd.DataFrame, by: str = "district",
                             min_areas: int = 3) -> pd.DataFrame:
    """Append Fay-Herriot EBLUPs of the group means (intercept-only model).

    Only the ``by`` groups' means take part; the city row and "don't know"
    are not areas, and neither is a row marked ``suppressed``: call this on
    the disclosure-controlled table, so that the fit (random-effect variance,
    shrinkage, MSE) depends on published figures alone. A group whose direct
    estimate has no usable standard error (one school: df 0, or se 0) is left out of the fit and keeps empty
    small-area columns; with fewer than ``min_areas`` usable groups a measure
    gets none. Shares are not modelled (a linear model can leave [0, 1]).

    Examples
    --------
    >>> table = pd.DataFrame({"group_var": "district", "group": list("abcd") + ["all"],
    ...     "measure": "x", "statistic": "mean", "estimate": [3.0, 3.4, 2.8, 3.9, 3.3],
    ...     "se": [0.1, 0.3, 0.2, 0.5, 0.05]})
    >>> out = add_small_area_estimates(table)
    >>> bool(out["sae_estimate"].iloc[:4].notna().all()), bool(out["sae_estimate"].iloc[4] > 0)
    (True, False)
    """
    out = estimates.copy()
    for column in SMALL_AREA_COLUMNS:
        if column not in out.columns:
            out[column] = np.nan
    areas = ((out["group_var"] == by) & (out["statistic"] == "mean")
             & out["group"].notna() & ~out["group"].isin(["all", DONT_KNOW]))
    if "suppressed" in out.columns:
        areas &= ~out["suppressed"].fillna(True).astype(bool)
    se = pd.to_numeric(out["se"], errors="coerce")
    usable = areas & np.isfinite(se) & (se > 0) & out["estimate"].notna()
    for _, part in out[usable].groupby("measure"):
        if len(part) < min_areas:
            continue
        table = fay_herriot(part, estimate="estimate", se="se", area="group").table
        table = table.set_index("area").loc[part["group"]]
        out.loc[part.index, "sae_estimate"] = table["eblup"].to_numpy()
        out.loc[part.index, "sae_rmse"] = table["rmse"].to_numpy()
        out.loc[part.index, "sae_shrinkage"] = table["gamma"].to_numpy()
    return out


def readjust_published(published: pd.DataFrame, adjust: str = "holm") -> pd.DataFrame:
    """Adjust ``p_value`` anew across the published groups of each measure.

    The family of a measure's tests is the groups whose comparison is
    published: a hidden group's p-value must not shift the adjusted p-values
    of the others (their ranks would tell about it).

    Examples
    --------
    >>> t = pd.DataFrame({"group_var": "district", "group": ["a", "b", "c"], "measure": "x",
    ...     "statistic": "mean", "p_value": [0.01, 0.02, float("nan")],
    ...     "p_adjusted": [0.03, 0.04, float("nan")], "suppressed": [False, False, True]})
    >>> readjust_published(t)["p_adjusted"].tolist()
    [0.02, 0.02, nan]
    """
    out = published.copy()
    if "p_value" not in out.columns:
        return out
    shown = ~out["suppressed"].fillna(True).astype(bool) if "suppressed" in out.columns \
        else pd.Series(True, index=out.index)
    out["p_adjusted"] = np.nan
    for _, rows in out[shown].groupby(["group_var", "measure", "statistic"]).groups.items():
        out.loc[rows, "p_adjusted"] = adjust_pvalues(out.loc[rows, "p_value"].to_numpy(float), adjust)
    return out
