"""SPSS ``.sav`` output: columns SPSS can hold, variable labels, value labels.

Private helpers of :mod:`analysis.files.exporting`. SPSS stores numbers (float64)
and strings; categories, index levels and flags become numbered codes whose
meaning travels in value labels, so a planner sees "thriving" in SPSS, not 3.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.questionnaire.model import Questionnaire

_NAME = re.compile(r"^[A-Za-z@][A-Za-z0-9_.@#$]{0,63}$")
_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
_ESTIMATE_LABELS = {
    "group_var": "Grouping variable",
    "group": "Group",
    "measure": "Measure (scale, or index/category)",
    "statistic": "Statistic (mean or share)",
    "n": "Pupils with a value",
    "estimate": "Estimate",
    "se": "Standard error (Taylor linearisation, schools as clusters)",
    "df": "Degrees of freedom",
    "ci_low": "95% confidence interval, lower bound",
    "ci_high": "95% confidence interval, upper bound",
    "suppressed": "Suppressed (group too small or derivable)",
    "suppression_reason": "Why the figure is suppressed",
    "low_precision": "Low precision (relative standard error over 30%)",
    "diff_city": "Difference to the whole city",
    "p_value": "p-value of the difference to the city",
    "p_adjusted": "p-value adjusted across groups",
}
_FIXED_LABELS = {"response_id": "Response id", "wave": "Survey wave", "school": "School",
                 "class": "Class", "district": "Home district", "grade": "Grade",
                 "gender": "Gender", "language": "Questionnaire language",
                 "weight": "Survey weight"}
_CATEGORIES = ("low", "medium", "high")


def estimate_labels(estimates: pd.DataFrame) -> tuple[dict, dict]:
    """Variable labels of the known estimate columns; flags labelled no/yes."""
    variable = {c: _ESTIMATE_LABELS[c] for c in estimates.columns if c in _ESTIMATE_LABELS}
    values = {c: {0: "no", 1: "yes"} for c in estimates.columns
              if pd.api.types.is_bool_dtype(estimates[c].dtype)}
    return variable, values


def score_labels(scored: pd.DataFrame, q: Questionnaire, language: str | None):
    """(table with coded categories, variable labels, value labels, user-missing values)."""
    lang = language or q.language_codes[0]
    if lang not in q.language_codes:
        raise ValueError(f"language {lang!r} is not one of the questionnaire's "
                         f"({', '.join(q.language_codes)})")
    table = scored.copy()
    variable = {c: label for c, label in _FIXED_LABELS.items() if c in table.columns}
    values: dict[str, dict] = {}
    missing: dict[str, list] = {}
    for item in q.items:
        if item.code not in table.columns:
            continue
        variable[item.code] = item.text[lang]
        if hasattr(item, "answer_scale"):
            scale = q.answer_scale(item.answer_scale)
            values[item.code] = {o.value: o.label[lang] for o in scale.options}
            if scale.prefer_not_to_say is not None:
                pnts = scale.prefer_not_to_say
                values[item.code][pnts.value] = pnts.label[lang]
                missing[item.code] = [pnts.value]
    for scale in q.scales:
        if scale.id in table.columns:
            variable[scale.id] = f"{scale.label[lang]} (score {scale.range[0]:g}-{scale.range[1]:g})"
        column = f"{scale.id}_category"
        if column in table.columns:
            table[column] = _codes(table[column], _CATEGORIES)
            variable[column] = f"{scale.label[lang]} (category)"
            values[column] = {k + 1: c for k, c in enumerate(_CATEGORIES)}
    for index in q.indices:
        if index.id in table.columns:
            table[index.id] = _codes(table[index.id], [lv.id for lv in index.levels])
            variable[index.id] = index.label[lang]
            values[index.id] = {k + 1: lv.label[lang] for k, lv in enumerate(index.levels)}
    for asset in q.assets:
        if asset.id in table.columns:
            variable[asset.id] = asset.label[lang]
            values[asset.id] = {0: "no", 1: "yes"}
    return table, variable, values, missing


def _codes(column: pd.Series, levels) -> pd.Series:
    """1-based position of each value in ``levels``; missing stays missing."""
    position = {level: k + 1 for k, level in enumerate(levels)}
    return column.astype(object).map(position).astype(float)


def write_sav(table: pd.DataFrame, path: Path, variable: dict, values: dict,
              missing: dict) -> None:
    """Write ``table`` to ``path`` with pyreadstat, converting columns SPSS cannot hold."""
    import pyreadstat

    bad = [c for c in table.columns
           if not isinstance(c, str) or not _NAME.match(c) or c.upper() in _RESERVED]
    if bad:
        raise ValueError(f"these column names are not valid SPSS variable names: {bad} (at "
                         "most 64 letters, digits or _ . @ # $, starting with a letter)")
    out = pd.DataFrame({name: _spss_column(table[name]) for name in table.columns})
    labels = [_clip(variable.get(c), 256) for c in out.columns]
    value_labels = {c: {float(k): _clip(v, 120) for k, v in vl.items()}
                    for c, vl in values.items() if c in out.columns and out[c].dtype != object}
    pyreadstat.write_sav(out, str(path), column_labels=labels,
                         variable_value_labels=value_labels or None,
                         missing_ranges={c: v for c, v in missing.items() if c in out.columns}
                         or None)


def _spss_column(column: pd.Series) -> pd.Series | np.ndarray:
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return column.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if isinstance(dtype, pd.CategoricalDtype) and pd.api.types.is_numeric_dtype(
            dtype.categories.dtype):
        return column.astype(float).to_numpy()
    as_text = column.astype(object).map(lambda v: v if isinstance(v, str) else str(v),
                                        na_action="ignore")
    return as_text.where(as_text.notna(), "").astype(object).to_numpy()


def _clip(text: str | None, limit: int) -> str | None:
    """Shorten ``text`` to ``limit`` UTF-8 bytes without splitting a character."""
    if text is None:
        return None
    raw = text.encode("utf-8")
    return text if len(raw) <= limit else raw[:limit].decode("utf-8", errors="ignore")
