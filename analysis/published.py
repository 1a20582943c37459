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

__all__ = ["COMPARISON_COLUMNS", "SMALL_AREA_COLUMNS", "add_small_area_estimates",
           "readjust_published", "withhold_comparisons"]

#: Columns of the Fay-Herriot model, shown beside (never instead of) the direct estimate.
SMALL_AREA_COLUMNS = ("sae_estimate", "sae_rmse", "sae_shrinkage")
#: Columns of a group's comparison with the total of its table.
COMPARISON_COLUMNS = ("diff_city", "p_value", "p_adjusted")


def withhold_comparisons(published: pd.DataFrame, city_label: str = "all") -> pd.DataFrame:
    """Empty every group's comparison with a total that is not published.

    A shown group's difference from the city is its estimate minus the city's:
    where disclosure control hid the city total (a complementary cell), the
    published estimate minus the published difference gave it back exactly, and
    the p-value nearly so (found by attacking a region wave, issue 12: the
    hidden region total, and with it a small town's 6 pupils, came back from
    the shown towns' differences). So where a table's total of a measure (and
    category) is suppressed, the comparisons of every group of it are emptied:
    ``diff_city``, ``p_value`` and ``p_adjusted``. Call it on the
    disclosure-controlled table, before :func:`readjust_published`.

    Examples
    --------
    >>> t = pd.DataFrame({"group_var": "district", "group": ["a", "b", "all"],
    ...     "measure": "x", "statistic": "mean", "estimate": [3.0, float("nan"), float("nan")],
    ...     "diff_city": [0.2, float("nan"), float("nan")], "p_value": [0.04, float("nan"),
    ...     float("nan")], "suppressed": [False, True, True]})
    >>> withhold_comparisons(t)["diff_city"].tolist()
    [nan, nan, nan]
    """
    out = published.copy()
    columns = [c for c in COMPARISON_COLUMNS if c in out.columns]
    if not columns or "suppressed" not in out.columns:
        return out
    keys = [c for c in ("wave", "group_var", "measure", "statistic", "category")
            if c in out.columns]
    labels = pd.MultiIndex.from_frame(out[keys].astype(str))  # missing categories: "nan"
    hidden = out["suppressed"].fillna(True).astype(bool) & (out["group"].astype(str) == city_label)
    out.loc[labels.isin(labels[hidden.to_numpy()]), columns] = np.nan
    return out


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
