"""Stored answers -> scoring values: numbers, reverse coding, *prefer not to say*.

Private home of :func:`analysis.scoring.recode_items` (what a value is:
``_values``; which answers were hidden: ``_conditions``). Scoring
(:func:`analysis.scoring.score`), reliability
(:func:`analysis.reliability.scale_reliability`) and ``recode_items`` itself
all recode the items of the scales through :func:`recode_scale_items`, so
they can never disagree about an item.
"""

from __future__ import annotations

from typing import Iterable, Literal

import numpy as np
import pandas as pd

from analysis.questionnaire.model import Questionnaire
from analysis.scoring._conditions import shown_rows
from analysis.scoring._values import member, to_float

_SHOWN_ROWS = 5  # offending rows listed per column in an error message


def recode_items(
    responses: pd.DataFrame,
    questionnaire: Questionnaire,
    items: Iterable[str] | None = None,
    *,
    errors: Literal["raise", "coerce"] = "raise",
) -> pd.DataFrame:
    """Item answers as scoring values: reverse-coded, *prefer not to say* missing.

    Parameters
    ----------
    responses : pandas.DataFrame
        Wide responses with one column per item code (numbers or numeric
        strings; empty strings and NaN are missing).
    questionnaire : Questionnaire
        The definition giving each item's answer scale and ``reverse`` flag.
    items : iterable of str, optional
        Item codes to recode, in the order wanted. Default: every item used by
        a scale, in scale order, each once.
    errors : {"raise", "coerce"}
        A value outside the item's answer scale (or not a number) raises
        ``ValueError`` listing the columns, rows and values (``"raise"``,
        default) or becomes missing (``"coerce"``).

    Returns
    -------
    pandas.DataFrame
        Float columns named by item code, same index as ``responses``.

    Notes
    -----
    With :math:`V_j` the substantive answer values of item :math:`j`,
    :math:`y = \\min V_j + \\max V_j - x` for a reverse-coded item and
    :math:`y = x` otherwise; *prefer not to say*, missing answers and answers
    to an item its display condition hides (``show_if``) give NaN.

    References
    ----------
    .. [1] Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric theory*
       (3rd ed.). McGraw-Hill, ch. 8 (reversing negatively keyed items).

    Examples
    --------
    >>> import yaml
    >>> from analysis.questionnaire.model import Questionnaire
    >>> q = Questionnaire.model_validate(yaml.safe_load('''
    ... {id: demo, version: "1.0", title: {en: Demo}, licence: CC0, grades: [5, 7],
    ...  languages: [{code: en, name: English}],
    ...  answer_scales: [{id: agree, options: [{value: 1, label: {en: never}},
    ...    {value: 2, label: {en: seldom}}, {value: 3, label: {en: often}},
    ...    {value: 4, label: {en: always}}], prefer_not_to_say: {value: 99, label: {en: skip}}}],
    ...  pages: [{id: p, title: {en: P}, items: [
    ...    {code: a, type: rating, answer_scale: agree, text: {en: A}, reverse: true}]}]}
    ... '''))
    >>> recode_items(pd.DataFrame({"a": ["1", 3, 99, ""]}), q, ["a"])
         a
    0  4.0
    1  2.0
    2  NaN
    3  NaN
    """
    items = scale_items(questionnaire) if items is None else list(items)
    columns = recoded_arrays(responses, questionnaire, items, errors)
    return pd.DataFrame(columns, index=responses.index, columns=items, dtype=float)


def scale_items(questionnaire: Questionnaire) -> list[str]:
    """The item codes of every scale, in scale order, each once."""
    return list(dict.fromkeys(code for scale in questionnaire.scales for code in scale.items))


def recode_scale_items(responses: pd.DataFrame, questionnaire: Questionnaire,
                       errors: str = "raise") -> dict[str, np.ndarray]:
    """Every item of the scales recoded (:func:`scale_items` order), as float arrays.

    The one recoding pass that scoring, reliability and :func:`recode_items`
    share: reverse coding, *prefer not to say* and answers to hidden items
    missing, answers outside the scale raised or coerced.
    """
    return recoded_arrays(responses, questionnaire, scale_items(questionnaire), errors)


def recoded_arrays(
    responses: pd.DataFrame, questionnaire: Questionnaire, items: list[str], errors: str
) -> dict[str, np.ndarray]:
    """:func:`recode_items` as a dict of float arrays (no DataFrame built)."""
    if errors not in ("raise", "coerce"):
        raise ValueError(f"errors must be 'raise' or 'coerce', not {errors!r}")
    if not isinstance(responses, pd.DataFrame):
        raise ValueError(f"responses must be a pandas DataFrame, not {type(responses).__name__}")
    absent = [code for code in items if code not in responses.columns]
    if absent:
        raise ValueError("responses lack the item columns " + ", ".join(absent))
    out: dict[str, np.ndarray] = {}
    problems: list[str] = []
    cache: dict[str, np.ndarray | None] = {}
    for code in items:
        values, bad = _recode_column(responses[code], questionnaire, code)
        if bad.any():
            problems.append(_describe(responses, code, bad))
        visible = shown_rows(responses, questionnaire, code, cache)
        out[code] = values if visible is None else np.where(visible, values, np.nan)
    if problems and errors == "raise":
        raise ValueError(
            "answers outside the answer scale (pass errors='coerce' to treat them as missing): "
            + "; ".join(problems)
        )
    return out


def _recode_column(column: pd.Series, questionnaire: Questionnaire, code: str):
    """Scoring values of one item column and a mask of the invalid entries."""
    try:
        item = questionnaire.item(code)
    except KeyError:
        raise ValueError(f"{code!r} is not an item of questionnaire {questionnaire.id!r}") from None
    scale_id = getattr(item, "answer_scale", None)
    if scale_id is None:
        raise ValueError(f"item {code!r} ({item.type}) has no answer scale and cannot be scored")
    answer_scale = questionnaire.answer_scale(scale_id)
    x, unparsable = to_float(column)
    substantive = member(x, answer_scale.values)
    allowed = substantive | member(x, answer_scale.all_values) | np.isnan(x)
    bad = unparsable | ~allowed
    y = np.where(substantive, x, np.nan)
    if item.reverse:
        y = min(answer_scale.values) + max(answer_scale.values) - y
    return y, bad


def _describe(responses: pd.DataFrame, code: str, bad: np.ndarray) -> str:
    """``code: N rows (response_id a, b: values 7, 'x')`` for an error message."""
    rows = responses.loc[bad]
    labels = rows["response_id"] if "response_id" in responses.columns else rows.index.to_series()
    shown = ", ".join(str(v) for v in labels.iloc[:_SHOWN_ROWS])
    more = ", ..." if len(rows) > _SHOWN_ROWS else ""
    values = ", ".join(_plain(v) for v in rows[code].iloc[:_SHOWN_ROWS])
    key = "response_id" if "response_id" in responses.columns else "row"
    return f"{code}: {len(rows)} rows ({key} {shown}{more}: values {values}{more})"


def _plain(value: object) -> str:
    """``7`` or ``'x'`` rather than ``np.int64(7)``."""
    return repr(value.item() if isinstance(value, np.generic) else value)
