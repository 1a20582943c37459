"""Reading an estimates table for disclosure control, and writing the verdict back.

Private to :mod:`analysis.disclosure`: the argument checks, which rows are
shares of which category, the first reasons to hide a row (upstream, too few
pupils in a category), and finally the flags and emptied value columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_ID_COLUMNS = ("group_var", "group", "measure", "statistic", "category")
_FLAG_COLUMNS = ("suppressed", "suppression_reason", "low_precision")
_REQUIRED = ("group_var", "group", "measure", "statistic", "n", "estimate", "se")


def check_args(estimates, min_n, rse_threshold, min_category_count, units=None, crossed=(), locked=None):
    if not isinstance(estimates, pd.DataFrame):
        raise ValueError("estimates must be a pandas DataFrame")
    missing = [c for c in _REQUIRED if c not in estimates.columns]
    if missing:
        raise ValueError(f"estimates lack the column(s): {', '.join(missing)}")
    for name, value in (("min_n", min_n), ("min_category_count", min_category_count)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1):
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not np.isfinite(rse_threshold) or rse_threshold <= 0:
        raise ValueError(f"rse_threshold must be a positive number, got {rse_threshold!r}")
    if (pd.to_numeric(estimates["n"], errors="coerce") < 0).any():
        raise ValueError("n must not be negative")
    if crossed and units is None:
        raise ValueError("crossed needs units (the pupils with those columns)")
    if locked is not None and locked not in estimates.columns:
        raise ValueError(f"locked column {locked!r} not in estimates")


def categories_of(out: pd.DataFrame) -> pd.Series:
    if "category" in out.columns:
        return out["category"].where(out["category"].notna(), None).astype(object)
    split = out["measure"].astype(str).str.partition("=")
    return split[2].where((out["statistic"] == "share") & (split[1] == "="), None).astype(object)


def measure_names(out: pd.DataFrame) -> pd.Series:
    if "category" in out.columns:
        return out["measure"].astype(str)
    split = out["measure"].astype(str).str.partition("=")
    return split[0].where(out["statistic"] == "share", out["measure"].astype(str))


def separate_columns(out, separate_by):
    separate = (["wave"] if "wave" in out.columns else []) if separate_by is None else list(separate_by)
    missing = [c for c in separate if c not in out.columns]
    if missing:
        raise ValueError(f"separate_by column(s) not in estimates: {', '.join(missing)}")
    return separate


def values_to_empty(out, separate, value_columns):
    if value_columns is None:
        skip = set(_ID_COLUMNS) | set(_FLAG_COLUMNS) | set(separate)
        return [c for c in out.columns if c not in skip
                and pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])]
    missing = [c for c in value_columns if c not in out.columns]
    if missing:
        raise ValueError(f"value_columns not in estimates: {', '.join(missing)}")
    return list(value_columns)


def _low_precision(out: pd.DataFrame, threshold: float) -> np.ndarray:
    est = pd.to_numeric(out["estimate"], errors="coerce").to_numpy(float)
    se = pd.to_numeric(out["se"], errors="coerce").to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rse = se / np.abs(est)
    return (rse > threshold) | (est == 0)


def first_reasons(out: pd.DataFrame, categories: pd.Series, min_category_count: int | None,
                  fixed: np.ndarray) -> np.ndarray:
    """Why each row is hidden before the threshold is applied: upstream, or ``count<k``."""
    n = np.nan_to_num(pd.to_numeric(out["n"], errors="coerce").to_numpy(float))
    est = pd.to_numeric(out["estimate"], errors="coerce").to_numpy(float)
    reason = np.full(len(out), "", dtype=object)
    if "suppressed" in out.columns:
        upstream = out["suppressed"].fillna(False).astype(bool).to_numpy()
        prior = out.get("suppression_reason", pd.Series("", index=out.index))
        reason[upstream] = [str(r) if isinstance(r, str) and r else "input" for r in prior[upstream]]
    is_share = categories.notna().to_numpy()
    if min_category_count is not None:
        if np.any((est[is_share] < 0) | (est[is_share] > 1)):
            raise ValueError("min_category_count needs share estimates as proportions in [0, 1]")
        small = is_share & (reason == "") & ~fixed & (np.rint(np.nan_to_num(est) * n) < min_category_count)
        reason[small] = f"count<{min_category_count}"
    return reason


def mark_and_empty(out: pd.DataFrame, reason: np.ndarray, values: list[str],
                   rse_threshold: float) -> pd.DataFrame:
    """The flag columns, and the value columns emptied where a row is hidden."""
    suppressed = reason != ""
    out["suppressed"] = suppressed
    out["suppression_reason"] = reason
    out["low_precision"] = _low_precision(out, rse_threshold) & ~suppressed
    for col in values:
        out[col] = out[col].astype(float).mask(suppressed)
    if "n" in values and np.all(np.isnan(out["n"]) | (out["n"] % 1 == 0)):
        out["n"] = out["n"].astype("Int64")
    return out
