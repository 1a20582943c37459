"""A wave's answers (one per pupil and item, numbered) as typed columns, one per item.

Why not ``pivot`` and a ``to_numeric`` per item: a county wave has millions of
answers; the pivot of Python strings and a parse per item and answer cost
more than reading them (``bench/planner.py --profile``). The answers arrive
numbered (:class:`~survey_app.services.answer_rows.Answers`): a wave has a
few hundred distinct answer texts (``1`` to ``5``, ages, hours, district
ids), so each distinct text is parsed once and every column is filled by
numpy indexing.

The columns are exactly what the pivot and the per-item conversion gave:
``Int64`` for whole-number items, ``Float64`` for numbers with decimals
(both parsed by :func:`pandas.to_numeric`, which raises on a text that is not
a number, as before), and ``object`` with ``NaN`` for a missing answer for the
others (district lists, free text), which :mod:`survey_app.services.frames`
converts further.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.questionnaire import Questionnaire
from survey_app.services.answer_rows import Answers


def numeric_kind(item) -> str | None:
    """``"Int64"`` or ``"Float64"`` for an item whose answers are numbers, else ``None``."""
    if item.type in ("wave_list", "text"):
        return None
    return "Float64" if item.type == "number" and item.decimals else "Int64"


def answer_columns(answers: Answers, responses: np.ndarray,
                   questionnaire: Questionnaire) -> dict[str, object]:
    """Columns (by item code, for the responses ``responses``, in that order).

    Only the questionnaire's items that have at least one answer among
    ``responses`` get a column; answers of other responses are ignored.
    """
    position = pd.Index(responses).get_indexer(answers.rids)
    keep = position >= 0
    item_codes, item_names = answers.item_codes[keep], answers.items
    text_codes, texts = answers.text_codes[keep], answers.texts
    answered = np.bincount(item_codes, minlength=len(item_names)) > 0
    column_of = {name: j for j, name in enumerate(item_names) if answered[j]}
    # One row per answered item, one column per response; -1 = no answer (the last
    # entry of every lookup table below is the missing value).
    matrix = np.full((len(item_names), len(responses)), -1, dtype=np.int64)
    matrix[item_codes, position[keep]] = text_codes
    wanted = [item for item in questionnaire.items if item.code in column_of]
    columns: dict[str, object] = {}
    for kind in ("Int64", "Float64"):
        group = [item.code for item in wanted if numeric_kind(item) == kind]
        if group:
            columns.update(_numeric(matrix, [column_of[c] for c in group], group, texts, kind))
    plain = np.append(np.asarray(texts, dtype=object), np.nan)
    for item in wanted:
        if numeric_kind(item) is None:
            columns[item.code] = plain[matrix[column_of[item.code]]]
    return columns


def _numeric(matrix: np.ndarray, rows: list[int], codes: list[str], texts, kind: str) -> dict:
    """The ``kind`` columns of the matrix rows ``rows``, each distinct text parsed once."""
    block = matrix[rows]
    seen = np.zeros(len(texts) + 1, dtype=bool)
    seen[block.ravel()] = True  # -1 (no answer) marks the last slot, which is not a text
    used = np.flatnonzero(seen[:-1])
    parsed = pd.to_numeric(pd.Series(np.asarray(texts, dtype=object)[used], dtype=object))
    parsed = parsed.astype(kind).array  # raises for 2.5 in a whole-number item, as before
    lookup = np.zeros(len(texts) + 1, dtype="int64" if kind == "Int64" else "float64")
    missing = np.ones(len(texts) + 1, dtype=bool)
    lookup[used] = parsed.to_numpy(dtype=lookup.dtype, na_value=0)
    missing[used] = parsed.isna()
    array = pd.arrays.IntegerArray if kind == "Int64" else pd.arrays.FloatingArray
    return {code: array(lookup[block[i]], missing[block[i]]) for i, code in enumerate(codes)}
