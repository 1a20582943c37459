"""Write estimates and pupil-level scores as CSV, XLSX, JSON or SPSS ``.sav``.

The format follows the file's extension. CSV and XLSX neutralise text that a
spreadsheet would execute (formula injection): a text cell starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``;
numbers, negative ones included, stay numbers. SPSS files carry variable
labels and value labels (see :func:`write_scores`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.files._sav import estimate_labels, score_labels, write_sav
from analysis.questionnaire.model import Questionnaire

__all__ = ["FORMATS", "neutralise", "write_estimates", "write_scores", "write_table"]

#: File extensions the writers understand.
FORMATS = (".csv", ".xlsx", ".json", ".sav")
_DANGER = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_XLSX_ROWS = 1_048_576


def neutralise(table: pd.DataFrame) -> pd.DataFrame:
    """A copy where text a spreadsheet would execute starts with ``'``.

    Text columns only: a cell that is a string starting with ``= + - @``,
    tab or CR and is not a plain number gets a leading single quote. Numeric
    columns and numbers stored as text (``"-3.5"``) are left alone; column
    names are neutralised too.

    Parameters
    ----------
    table : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["=1+2", "-2", "@SUM(A1)", "Nord"], "n": [-1, 2, 3, 4]})
    >>> neutralise(t)["group"].tolist()
    ["'=1+2", '-2', "'@SUM(A1)", 'Nord']
    >>> neutralise(t)["n"].tolist()
    [-1, 2, 3, 4]
    """
    out = table.copy()
    out.columns = [_safe(c) if isinstance(c, str) else c for c in out.columns]
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            cats = column.cat.categories
            if cats.dtype == object or pd.api.types.is_string_dtype(cats.dtype):
                out[name] = column.cat.rename_categories([_safe(c) for c in cats])
        elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            try:
                hit = column.str.match(_DANGER)  # missing for cells that are not text
            except AttributeError:  # no text in this column at all
                continue
            hit = hit.fillna(False).astype(bool).to_numpy()
            if not hit.any():
                continue
            values = column.to_numpy(dtype=object, na_value=None).copy()
            for i in np.flatnonzero(hit):
                values[i] = _safe(values[i])
            out[name] = pd.Series(values, index=out.index, dtype=object)
    return out


def _safe(value: str) -> str:
    return "'" + value if _DANGER.match(value) and not _NUMBER.match(value) else value


def write_table(table: pd.DataFrame, path: str | Path, *, variable_labels: dict | None = None,
                value_labels: dict | None = None, missing_values: dict | None = None) -> Path:
    """Write a table in the format of ``path``'s extension.

    Parameters
    ----------
    table : pandas.DataFrame
    path : str or pathlib.Path
        Ends in ``.csv`` (UTF-8), ``.xlsx``, ``.json`` (a list of records,
        missing values as ``null``) or ``.sav``.
    variable_labels, value_labels, missing_values : dict, optional
        For ``.sav`` only: ``{column: label}``, ``{column: {value: label}}``
        and ``{column: [user-missing values]}``.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    ValueError
        For an unknown extension, or an XLSX with more rows than Excel holds.

    Examples
    --------
    >>> import json, tempfile
    >>> out = write_table(pd.DataFrame({"a": [1.5, None]}), Path(tempfile.mkdtemp()) / "t.json")
    >>> json.loads(out.read_text())
    [{'a': 1.5}, {'a': None}]
    """
    path = Path(path)
    kind = output_format(path)
    if kind == ".csv":
        # CRLF (RFC 4180) so that a CR inside a text is quoted, not a line break
        neutralise(table).to_csv(path, index=False, lineterminator="\r\n", encoding="utf-8")
    elif kind == ".xlsx":
        _write_xlsx(neutralise(table), path)
    elif kind == ".json":
        table.to_json(path, orient="records", force_ascii=False, double_precision=15,
                      date_format="iso", indent=1)
    else:
        write_sav(table, path, variable_labels or {}, value_labels or {}, missing_values or {})
    return path


def output_format(path: str | Path) -> str:
    """The extension of ``path`` in lower case, or ``ValueError`` if it is not supported.

    Examples
    --------
    >>> output_format("results/estimates.XLSX")
    '.xlsx'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot write {Path(path).name!r}: unknown file type "
                         f"{suffix or '(no extension)'!r}; use one of {', '.join(FORMATS)}")
    return suffix


def write_estimates(estimates: pd.DataFrame, path: str | Path) -> Path:
    """Write an estimates table (design section 4 columns) in the format of ``path``.

    ``.sav`` files get a label for every known column and ``suppressed`` as
    0/1 with value labels.

    Examples
    --------
    >>> import tempfile, pyreadstat
    >>> est = pd.DataFrame({"group_var": ["district"], "group": ["01"], "measure": ["mood"],
    ...                     "statistic": ["mean"], "n": [25], "estimate": [3.2], "se": [0.1],
    ...                     "suppressed": [False]})
    >>> out = write_estimates(est, Path(tempfile.mkdtemp()) / "est.sav")
    >>> pyreadstat.read_sav(out)[1].column_names_to_labels["se"]
    'Standard error (Taylor linearisation, schools as clusters)'
    """
    variable, values = estimate_labels(estimates)
    return write_table(estimates, path, variable_labels=variable, value_labels=values)


def write_scores(scored: pd.DataFrame, path: str | Path, questionnaire: Questionnaire,
                 *, language: str | None = None) -> Path:
    """Write pupil-level responses with scores in the format of ``path``.

    For ``.sav``: item texts, scale, index and asset labels (in ``language``,
    default the questionnaire's first) as variable labels; answer options as
    value labels with *prefer not to say* as a user-missing value;
    categories and index levels as numbered codes with value labels.

    Examples
    --------
    >>> import tempfile
    >>> from analysis.questionnaire import load
    >>> from analysis.simulation import simulate_city
    >>> from analysis.scoring import score
    >>> from questionnaires import SHIPPED
    >>> q = load(SHIPPED)
    >>> scored = score(simulate_city(q, 30, districts=2, seed=1).responses, q)
    >>> write_scores(scored, Path(tempfile.mkdtemp()) / "scores.sav", q).suffix
    '.sav'
    """
    kind = output_format(path)
    if kind != ".sav":
        return write_table(scored, path)
    table, variable, values, missing = score_labels(scored, questionnaire, language)
    return write_table(table, path, variable_labels=variable, value_labels=values,
                       missing_values=missing)


def _write_xlsx(table: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    if len(table) + 1 > _XLSX_ROWS:
        raise ValueError(f"{len(table)} rows do not fit in an Excel sheet (at most "
                         f"{_XLSX_ROWS - 1}); write .csv or .sav instead")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append([str(c) for c in table.columns])
    columns = [_cells(table[c]) for c in table.columns]
    for row in zip(*columns):
        sheet.append(row)
    book.save(path)


def _cells(column: pd.Series) -> list:
    """Python values for openpyxl: numbers as numbers, missing as empty, the rest as text."""
    return [None if v is None or v is pd.NA or (isinstance(v, float) and v != v)
            else (v if isinstance(v, (int, float, bool, str)) else str(v))
            for v in column.astype(object).tolist()]
