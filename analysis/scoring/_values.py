"""Stored answer values as numbers (private to :mod:`analysis.scoring`)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def to_float(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Floats (NaN = missing) and a mask of entries that are not numbers at all."""
    if pd.api.types.is_bool_dtype(column) or not (
        pd.api.types.is_numeric_dtype(column) or pd.api.types.is_object_dtype(column)
        or pd.api.types.is_string_dtype(column)
    ):
        raise ValueError(f"column {column.name!r} holds {column.dtype} values, not answer values")
    if pd.api.types.is_numeric_dtype(column):
        number = column.to_numpy(dtype=float, na_value=np.nan)
        return number, np.zeros(len(column), dtype=bool)
    # Text from a CSV: parse each distinct value once (a column holds only a few).
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    text = pd.Series(uniques, dtype=object).astype(str).str.strip()
    parsed = pd.to_numeric(text.mask(text.eq("")), errors="coerce").to_numpy(dtype=float)
    garbage = np.isnan(parsed) & text.ne("").to_numpy()
    parsed = np.append(parsed, np.nan)  # code -1 (missing) picks the last entry
    return parsed[codes], np.append(garbage, False)[codes]


def member(x: np.ndarray, values) -> np.ndarray:
    """``np.isin`` for a handful of values, without sorting a million floats."""
    out = np.zeros(x.shape, dtype=bool)
    for v in values:
        out |= x == v
    return out
