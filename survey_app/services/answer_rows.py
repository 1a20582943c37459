"""Reading a wave's answers (one stored row per pupil and item) as numbered arrays.

Why this shape: a county wave has millions of answer rows, and reading them
one row at a time makes the database driver build a tuple, an integer and a
string per answer, which cost more than everything the analysis then does
with them (``bench/planner.py --profile``). Each response's answers
therefore arrive joined into one text (``item<US>value<RS>item<US>value``,
with the ASCII unit and record separators) and the split happens in one
step here; the distinct ``item<US>value`` pairs, a few thousand in a wave,
are numbered, and only they are split into item and value.

A submitted response keeps that text from its submission
(:mod:`survey_app.services.submitted_answers`): one row per response. For the
others the database joins the rows; its work (about two thirds of the time on
SQLite) and ours (the splitting) overlap: a second thread fetches the joined
texts in batches while this one splits the previous batch; it is the only
user of the connection until it has finished (:func:`_batches`).

An answer whose text holds one of the separators (a free text with control
characters) would be split wrongly: the number of pieces is checked against
the number of answers and every piece must hold exactly one unit separator,
otherwise the answers are read row by row as before.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from survey_app.models import Answer, Response
from survey_app.services.submitted_answers import RECORD, UNIT

_BATCH = 2000  # responses per batch (one statement, one row)


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
    with collector_paused():
        answers = _split(chain(_snapshot_batches(session, conditions),
                               _parsed(_batches(session, _batch_statements(session, conditions)))))
        if answers is None:  # a separator inside an answer: row by row
            rids, items, values = _columns(plain_rows(session, select(
                Answer.response_id, Answer.item_code, Answer.value)
                .join(Response, Response.id == Answer.response_id).where(*conditions)), 3)
            answers = Answers(np.fromiter(rids, np.int64, len(rids)),
                              *pd.factorize(np.array(items, dtype=object)),
                              *pd.factorize(np.array(values, dtype=object)))
    return answers


def _batch_statements(session: Session, conditions) -> list:
    """One statement per ``_BATCH`` responses (by id): the batch's ids, answer counts and
    joined answers, each as one text.

    Why one row per batch and not per response: the fetching thread needs the
    interpreter lock for every row it receives, and while this thread splits a
    batch it would wait for it at every row; one row per batch leaves the
    database a whole batch of work without it.
    """
    conditions = (*conditions, Response.submitted_answers.is_(None))
    ids = [row[0] for row in plain_rows(
        session, select(Response.id).where(*conditions).order_by(Response.id))]
    statements = []
    for first in range(0, len(ids), _BATCH):
        low, high = ids[first], ids[min(first + _BATCH, len(ids)) - 1]
        each = (select(Response.id.label("rid"), func.count().label("n"),
                       func.aggregate_strings(Answer.item_code + UNIT + Answer.value,
                                              RECORD).label("joined"))
                .join(Answer, Answer.response_id == Response.id)
                .where(*conditions, Response.id.between(low, high))
                .group_by(Response.id).subquery())
        statements.append(select(func.aggregate_strings(cast(each.c.rid, String), ","),
                                 func.aggregate_strings(cast(each.c.n, String), ","),
                                 func.aggregate_strings(each.c.joined, RECORD)))
    return statements


def _snapshot_batches(session: Session, conditions) -> Iterator[tuple]:
    """``(ids, answer counts, joined text)`` of the responses meeting ``conditions`` that keep
    their answers as submitted (:mod:`survey_app.services.submitted_answers`)."""
    rows = plain_rows(session, select(Response.id, Response.submitted_answers)
                      .where(*conditions, Response.submitted_answers.is_not(None)))
    for first in range(0, len(rows), _BATCH):
        ids, texts = zip(*rows[first:first + _BATCH])
        counts = np.fromiter((text.count(RECORD) + 1 for text in texts), np.int64, len(texts))
        yield np.array(ids, dtype=np.int64), counts, RECORD.join(texts)


def _parsed(batches: Iterator[tuple]) -> Iterator[tuple]:
    """The database's batches ``(ids, counts, joined)`` with the ids and counts as arrays."""
    for ids, counts, joined in batches:
        if joined is not None:  # None: no response in the batch had answers
            yield (np.array(ids.split(","), dtype=np.int64),
                   np.array(counts.split(","), dtype=np.int64), joined)


def _split(batches: Iterator[tuple]) -> Answers | None:
    """The answers from the batches' joined texts, or ``None`` if a text holds a separator.

    Each batch's pieces are numbered at once (``pd.factorize``), and the
    batch's distinct pieces are then numbered across batches: the pieces of
    the whole wave never exist as one list.
    """
    pair_of: dict[str, int] = {}
    ids, counts, codes, broken = [], [], [], False
    for batch_ids, batch_counts, joined in batches:
        if broken:
            continue  # let the fetching thread finish
        pieces = joined.split(RECORD)
        if len(pieces) != batch_counts.sum():
            broken = True
            continue
        local, uniques = pd.factorize(np.array(pieces, dtype=object))
        remap = np.fromiter((pair_of.setdefault(u, len(pair_of)) for u in uniques),
                            np.int64, len(uniques))
        ids.append(batch_ids)
        counts.append(batch_counts)
        codes.append(remap[local])
    if broken:
        return None
    halves = [pair.split(UNIT) for pair in pair_of]
    if any(len(half) != 2 for half in halves):
        return None
    item_codes, items = pd.factorize(np.array([h[0] for h in halves], dtype=object))
    text_codes, texts = pd.factorize(np.array([h[1] for h in halves], dtype=object))
    pair_codes = np.concatenate(codes) if codes else np.empty(0, np.int64)
    rids = (np.repeat(np.concatenate(ids), np.concatenate(counts)) if ids
            else np.empty(0, np.int64))
    return Answers(rids, item_codes[pair_codes], np.asarray(items, dtype=object),
                   text_codes[pair_codes], np.asarray(texts, dtype=object))


def _batches(session: Session, statements: list) -> Iterator[tuple]:
    """Each statement's single row, fetched by a second thread while this one works.

    Why a thread: the database driver lets other threads run while the
    database computes a row, so splitting one batch here while the database
    joins the next costs no time on a machine with a second core. The
    connection is used by the fetching thread alone until it ends; an error
    there is raised here.
    """
    connection = session.connection()
    handoff: queue.SimpleQueue = queue.SimpleQueue()

    def fetch() -> None:
        try:
            for statement in statements:
                result = connection.execute(statement)
                try:
                    handoff.put(result.cursor.fetchone())
                finally:
                    result.close()
        except BaseException as error:  # handed over and raised by the reading thread
            handoff.put(error)
        else:
            handoff.put(None)

    fetcher = threading.Thread(target=fetch, name="answers-fetch", daemon=True)
    fetcher.start()
    try:
        while (batch := handoff.get()) is not None:
            if isinstance(batch, BaseException):
                raise batch
            yield batch
    finally:
        fetcher.join()


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
