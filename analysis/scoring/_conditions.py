"""Which answers the display conditions hid (private to :mod:`analysis.scoring`).

An answer to an item the pupil was not shown (in a CSV from another source)
is not an answer: it counts as missing, as in the pupil interface.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.questionnaire.model import Questionnaire
from analysis.scoring._values import member, to_float


def shown_rows(responses: pd.DataFrame, questionnaire: Questionnaire, code: str,
           cache: dict[str, np.ndarray | None]) -> np.ndarray | None:
    """Rows where item ``code`` is shown by its display condition (``None``: all).

    As in the pupil interface (``survey_app.pupil.conditions``), an item is
    shown when the item its condition names is itself shown and was answered
    with one of the listed values. An answer to a hidden item (in a CSV from
    another source) counts as missing. When the condition's item is not in
    the responses, nothing can be decided and the answers are kept.
    """
    if code in cache:
        return cache[code]
    condition = questionnaire.item(code).show_if
    mask = None
    if condition is not None and condition.item in responses.columns:
        column = responses[condition.item]
        hit = np.zeros(len(column), dtype=bool)
        numbers = [v for v in condition.in_ if not isinstance(v, str)]
        texts = [v for v in condition.in_ if isinstance(v, str)]
        if numbers and not pd.api.types.is_bool_dtype(column):
            hit |= member(to_float(column)[0], numbers)
        if texts:
            hit |= column.astype(object).map(lambda v: str(v).strip(), na_action="ignore"
                                             ).isin(texts).to_numpy()
        parent = shown_rows(responses, questionnaire, condition.item, cache)
        mask = hit if parent is None else hit & parent
    cache[code] = mask
    return mask
