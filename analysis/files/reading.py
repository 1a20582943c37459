"""Read the wide responses CSV and the enrolment CSV, checking them on the way in.

Every problem is a :class:`ValueError` with a one-line message naming the
file and what is wrong, so the command line can print it as it is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.files._csv_rows import check_rows
from analysis.questionnaire.model import Questionnaire
from analysis.scoring._recode import scale_items
from analysis.scoring._values import member, to_float

__all__ = ["RESPONSE_COLUMNS", "check_unique_ids", "read_enrolment", "read_estimates",
           "read_responses"]

#: Columns every responses file starts with (design section 4); ``weight`` is optional.
RESPONSE_COLUMNS = ("response_id", "wave", "school", "class", "district", "grade", "gender",
                    "language")
_TEXT_COLUMNS = ("response_id", "wave", "school", "class", "district", "language")


def read_responses(path: str | Path, questionnaire: Questionnaire) -> pd.DataFrame:
    """Responses in the wide format, with every answer checked against its answer scale.

    Parameters
    ----------
    path : str or pathlib.Path
        CSV (UTF-8, comma-separated, header row) with :data:`RESPONSE_COLUMNS`
        and one column per item code, each name once; every row has a field
        for every column, and empty fields are missing answers.
    questionnaire : Questionnaire
        Every item of a scale must have a column; item columns present are
        checked: answer values in the answer scale, numbers within range.

    Returns
    -------
    pandas.DataFrame
        Identifier, district, free-text and list columns as text; answers as
        numbers.

    Raises
    ------
    ValueError
        One line: missing file or columns, unreadable CSV, a column name
        given twice, rows with more or fewer fields than the header (with
        their lines), values outside an answer scale (with the line).

    Examples
    --------
    >>> import tempfile
    >>> from analysis.questionnaire import load
    >>> from analysis.simulation import simulate_city
    >>> from questionnaires import SHIPPED
    >>> q = load(SHIPPED)
    >>> paths = simulate_city(q, 20, districts=2, seed=1).write(tempfile.mkdtemp())
    >>> sorted(set(read_responses(paths["responses"], q)["district"].dropna()))
    ['01', '02', 'dont_know']
    """
    path = Path(path)
    text = [c for c in _TEXT_COLUMNS] + [i.code for i in questionnaire.items
                                         if i.type in ("text", "wave_list")]
    frame = _read_csv(path, dtype={c: str for c in text})
    absent = [c for c in RESPONSE_COLUMNS if c not in frame.columns]
    absent += [c for c in scale_items(questionnaire) if c not in frame.columns and c not in absent]
    if absent:
        shown = ", ".join(absent[:8]) + (f" and {len(absent) - 8} more" if len(absent) > 8 else "")
        raise ValueError(f"{path.name}: missing column(s) {shown} (the wide responses format "
                         f"needs {', '.join(RESPONSE_COLUMNS)}, then one column per item code)")
    if len(frame) == 0:
        raise ValueError(f"{path.name}: no responses (the file has a header row but no data rows)")
    try:
        check_unique_ids(frame)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    for item in questionnaire.items:  # one column at a time: a million rows stay cheap
        if hasattr(item, "answer_scale") and item.code in frame.columns:
            _check_answers(path, frame, item.code, questionnaire.answer_scale(item.answer_scale))
    for item in questionnaire.items:
        if item.type == "number" and item.code in frame.columns:
            x = pd.to_numeric(frame[item.code], errors="coerce")
            decimals = getattr(item, "decimals", 0) or 0
            scaled = x * 10 ** decimals  # the definition says how many decimals an answer has
            inside = x.between(item.min, item.max) & np.isclose(scaled, scaled.round())
            bad = (frame[item.code].notna() & x.isna()) | ~(inside | x.isna())
            if bad.any():
                kind = ("whole numbers" if not decimals else
                        f"numbers with at most {decimals} decimal{'s' if decimals > 1 else ''}")
                raise ValueError(f"{path.name}: column {item.code!r} must hold {kind} from "
                                 f"{item.min} to {item.max}; line {int(bad.to_numpy().argmax()) + 2}"
                                 f" has {_plain(frame[item.code][bad].iloc[0])}")
            frame[item.code] = x
    return frame


def _check_answers(path: Path, frame: pd.DataFrame, code: str, scale) -> None:
    """Refuse a column with values outside its answer scale, naming line and value.

    The same test as the scoring's recoding (which would raise later, with
    advice for Python callers); here the message speaks of the file.
    """
    try:
        x, unparsable = to_float(frame[code])
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    bad = unparsable | ~(member(x, scale.all_values) | np.isnan(x))
    if bad.any():
        first = int(bad.argmax())
        values = ", ".join(str(v) for v in scale.all_values)
        others = int(bad.sum()) - 1
        more = f" ({others} more such row{'s' if others > 1 else ''})" if others else ""
        raise ValueError(f"{path.name}: column {code!r} must hold the values of answer scale "
                         f"{scale.id!r} ({values}) or be empty; line {first + 2} has "
                         f"{_plain(frame[code].iloc[first])}{more}")


def check_unique_ids(frame: pd.DataFrame, column: str = "response_id") -> None:
    """Refuse responses in which an id occurs more than once, naming the ids.

    The same row twice, or two pupils with one id, would count pupils twice
    (or mix two pupils' answers) without anyone noticing.

    Examples
    --------
    >>> check_unique_ids(pd.DataFrame({"response_id": ["a", "b", "a", "c", "c"]}))
    Traceback (most recent call last):
    ...
    ValueError: 2 response_id values occur more than once (4 rows): a (2 rows), c (2 rows); every response needs its own id
    """
    if column not in frame.columns:
        return
    counts = frame[column].value_counts(dropna=False)
    repeated = counts[counts > 1]
    if len(repeated):
        shown = ", ".join(f"{_text(i)} ({n} rows)" for i, n in repeated.iloc[:10].items())
        more = f" and {len(repeated) - 10} more" if len(repeated) > 10 else ""
        raise ValueError(f"{len(repeated)} {column} values occur more than once "
                         f"({int(repeated.sum())} rows): {shown}{more}; every response needs "
                         "its own id")


def _text(value: object) -> str:
    """An id or value as a person would write it (no ``np.float64(...)``)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "(empty)" if value is None or value != value else str(value)


def _plain(value: object) -> str:
    """A cell value for a message: ``25`` or ``'x'``, never ``np.float64(25.0)``."""
    if isinstance(value, (np.generic, int, float)) and not isinstance(value, bool):
        return _text(value)
    return repr(_text(value))


def read_enrolment(path: str | Path, count: str = "pupils") -> pd.DataFrame:
    """Enrolment counts: cell columns (e.g. ``school, grade, gender``) and ``pupils``.

    Examples
    --------
    >>> import tempfile
    >>> from analysis.questionnaire import load
    >>> from analysis.simulation import simulate_city
    >>> from questionnaires import SHIPPED
    >>> paths = simulate_city(load(SHIPPED), 20, districts=2, seed=1).write(tempfile.mkdtemp())
    >>> list(read_enrolment(paths["enrolment"]).columns)
    ['school', 'grade', 'gender', 'pupils']
    """
    path = Path(path)
    frame = _read_csv(path, dtype={"school": str, "class": str, "district": str})
    if count not in frame.columns or len(frame.columns) < 2:
        raise ValueError(f"{path.name}: needs cell columns (e.g. school, grade, gender) and a "
                         f"{count!r} column with the number of enrolled pupils")
    pupils = pd.to_numeric(frame[count], errors="coerce")
    if pupils.isna().any() or (pupils < 0).any():
        line = int((pupils.isna() | (pupils < 0)).to_numpy().argmax()) + 2
        raise ValueError(f"{path.name}: line {line}: {count!r} must be a number of pupils")
    if len(frame) == 0:
        raise ValueError(f"{path.name}: no enrolment (the file has a header row but no data rows)")
    frame[count] = pupils
    return frame


def read_estimates(path: str | Path) -> pd.DataFrame:
    """A published estimates table (CSV from ``wellbeing analyse``), e.g. of the last wave.

    Group and measure names stay text (district "01" is not the number 1);
    the quote that neutralised spreadsheet formulas on writing is removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "last.csv"
    >>> _ = path.write_text("group_var,group,measure,statistic,n,estimate,se,df\\n"
    ...                     "district,01,mood,mean,40,3.2,0.1,9\\n", encoding="utf-8")
    >>> table = read_estimates(path)
    >>> table["group"].tolist(), float(table["estimate"].iloc[0])
    (['01'], 3.2)
    """
    path = Path(path)
    keys = ["group_var", "group", "measure", "statistic"]
    frame = _read_csv(path, dtype={k: str for k in keys})
    missing = [c for c in keys + ["estimate", "se", "df"] if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: not an estimates table (no column {missing[0]!r})")
    for key in keys:
        frame[key] = frame[key].map(_unneutralise, na_action="ignore")
    for column in ("estimate", "se", "df"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def _unneutralise(text: str) -> str:
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r" else text


def _read_csv(path: Path, dtype: dict) -> pd.DataFrame:
    """The table in ``path``, once :func:`check_rows` found its shape clean.

    ``index_col=False``: pandas must never take a column as the row index
    (it would when rows are one field longer than the header).
    """
    if path.is_dir():
        raise ValueError(f"{path}: is a folder, not a file")
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    try:
        check_rows(path)
        frame = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""],
                            encoding="utf-8-sig", low_memory=False, index_col=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{path.name}: not a readable CSV file ({first})") from None
    except OSError as exc:  # e.g. no permission to read it
        raise ValueError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    return frame
