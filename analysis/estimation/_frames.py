"""Shared plumbing: designs from arguments, group codes, tidy output frames."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from ._linearisation import _DomainStats, domain_stats
from .design import DF_RULES, SurveyDesign, survey_design

ALL = "all"
COLUMNS = ["group_var", "group", "measure", "statistic", "n", "estimate", "se", "df",
           "ci_low", "ci_high"]


def as_design(data, cluster, strata, weights, lonely_psu, df_rule=None) -> SurveyDesign:
    """Accept a SurveyDesign or build one from a DataFrame and column names.

    ``df_rule`` (``None``: the design's own, ``"effective"`` for a new one)
    overrides the degrees-of-freedom rule of a given design.
    """
    if isinstance(data, SurveyDesign):
        if df_rule is None or df_rule == data.df_rule:
            return data
        if df_rule not in DF_RULES:
            raise ValueError(f"df_rule must be one of {DF_RULES}, got {df_rule!r}")
        return replace(data, df_rule=df_rule)
    return survey_design(data, cluster=cluster, strata=strata, weights=weights,
                         lonely_psu=lonely_psu, df_rule=df_rule or "effective")


def group_codes(design: SurveyDesign, by: str | None) -> tuple[np.ndarray, list]:
    """Integer group codes; rows without a group get code ``len(labels)``."""
    n = len(design.data)
    if by is None:
        return np.zeros(n, dtype=np.int64), []
    if by not in design.data.columns:
        raise ValueError(f"group column {by!r} is not in the data")
    codes, labels = pd.factorize(design.data[by], sort=True)
    labels = list(labels)
    if any(str(lab) == ALL for lab in labels):
        raise ValueError(f"a value of {by!r} is called {ALL!r}, which names the whole sample")
    codes = np.where(codes < 0, len(labels), codes).astype(np.int64)
    return codes, labels


def run(design: SurveyDesign, y: np.ndarray, by: str | None) -> tuple[_DomainStats, list]:
    """Domain statistics for every group of ``by`` plus the whole sample."""
    codes, labels = group_codes(design, by)
    return domain_stats(design, y, codes, len(labels)), labels


def t_interval(est, se, df, level=0.95):
    """``estimate +- qt((1+level)/2, df) * se``; NaN where df < 1 (as R)."""
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        q = np.where(df >= 1, stats.t.ppf(0.5 + level / 2, np.maximum(df, 1)), np.nan)
    return est - q * se, est + q * se


def tidy(st: _DomainStats, labels: list, by: str | None, names: list[str], statistic: str,
         ci_low: np.ndarray, ci_high: np.ndarray, min_n: int = 1) -> pd.DataFrame:
    """One row per (group, measure) in the public estimates layout."""
    groups = labels + [ALL]
    g, m = np.meshgrid(np.arange(len(groups)), np.arange(len(names)), indexing="ij")
    est = st.estimate[g, m]
    with np.errstate(invalid="ignore"):
        se = np.where(np.isnan(est), np.nan, np.sqrt(st.variance[g, m]))
    n = st.n[g, m].ravel().astype(np.int64)
    out = pd.DataFrame({
        "group_var": by if by is not None else ALL,
        "group": np.array(groups, dtype=object)[g.ravel()],
        "measure": np.array(names, dtype=object)[m.ravel()],
        "statistic": statistic,
        "n": n,
        "estimate": est.ravel(),
        "se": se.ravel(),
        "df": st.df[g].ravel().astype(float),
        "ci_low": ci_low[g, m].ravel(),
        "ci_high": ci_high[g, m].ravel(),
    })
    keep = n >= min_n
    # boolean indexing copies every column; skip it in the usual case where all rows stay
    return out if keep.all() else out[keep].reset_index(drop=True)
