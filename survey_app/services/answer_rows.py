"""Reading a wave's answers (one stored row per pupil and item) as numbered arrays.

Why this shape: a county wave has millions of answer rows, and reading them
one row at a time makes the database driver build a tuple, an integer and a
string per answer, which cost more than everything the analysis then does
with them (``bench/planner.py --profile``). The database therefore joins
each response's answers into one text (``item<US>value<RS>item<US>value``,
with the ASCII unit and record separators) and the split happens in one
step here; the distinct ``item<US>value`` pairs, a few thousand in a wave,
are numbered, and only they are split into item and value.

An answer whose text holds one of the separators (a free text with control
characters) would be split wrongly: the number of pieces is checked against
the number of answers and every piece must hold exactly one unit separator,
otherwise the answers are read row by row as before.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.models import Answer, Response

UNIT, RECORD = "\x1f", "\x1e"


@dataclass(frozen=True)
class Answers:
    """Answer ``i`` is response ``rids[i]``'s answer to item ``items[item_codes[i]]``,
    the text ``texts[text_codes[i]]``."""

    rids: np.ndarray
    item_codes: np.ndarray
    items: np.ndarray
    text_codes: np.ndarray
    texts: np.ndarray

    def long(self) -> pd.DataFrame:
        """One row per answer: ``rid, item, value``."""
        return pd.DataFrame({"rid": self.rids, "item": self.items[self.item_codes],
                             "value": self.texts[self.text_codes]})


def read_answers(session: Session, *conditions) -> Answers:
    """The answers of the responses meeting ``conditions`` (on :class:`Response`)."""
    grouped = (select(Response.id, func.count(),
                      func.aggregate_strings(Answer.item_code + UNIT + Answer.value, RECORD))
               .join(Answer, Answer.response_id == Response.id)
               .where(*conditions).group_by(Response.id))
    with collector_paused():
        ids, counts, joined = _columns(plain_rows(session, grouped), 3)
        answers = _split(ids, counts, joined)
        if answers is None:  # a separator inside an answer: row by row
            rids, items, values = _columns(plain_rows(session, select(
                Answer.response_id, Answer.item_code, Answer.value)
                .join(Response, Response.id == Answer.response_id).where(*conditions)), 3)
            answers = Answers(np.fromiter(rids, np.int64, len(rids)),
                              *pd.factorize(np.array(items, dtype=object)),
                              *pd.factorize(np.array(values, dtype=object)))
    return answers


def _split(ids, counts, joined) -> Answers | None:
    """The answers from each response's joined text, or ``None`` if a text holds a separator."""
    pieces = np.array(RECORD.join(joined).split(RECORD) if joined else [], dtype=object)
    counts = np.fromiter(counts, np.int64, len(counts))
    if len(pieces) != counts.sum():
        return None
    pair_codes, pairs = pd.factorize(pieces)
    halves = [pair.split(UNIT) for pair in pairs]
    if any(len(half) != 2 for half in halves):
        return None
    item_codes, items = pd.factorize(np.array([h[0] for h in halves], dtype=object))
    text_codes, texts = pd.factorize(np.array([h[1] for h in halves], dtype=object))
    return Answers(np.repeat(np.fromiter(ids, np.int64, len(ids)), counts),
                   item_codes[pair_codes], np.asarray(items, dtype=object),
                   text_codes[pair_codes], np.asarray(texts, dtype=object))


def _columns(rows: list[tuple], width: int) -> tuple:
    """The rows' columns (``width`` empty ones for no rows)."""
    return tuple(zip(*rows)) if rows else ((),) * width


def plain_rows(session: Session, statement) -> list[tuple]:
    """The driver's plain tuples (no SQLAlchemy ``Row`` per row)."""
    result = session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off for a bulk read, then on again if it was.

    Why: reading and transposing many rows creates many tuples; each growth of
    the heap by a quarter triggers a full collection that walks every object of
    the process, which cost more than the reading itself (``bench/planner.py
    --profile``). The tuples form no cycles and are freed by reference counting
    as soon as the arrays are built.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
