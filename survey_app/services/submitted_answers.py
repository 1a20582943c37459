"""A submitted questionnaire's answers, kept with the response as one text.

Why: computing a county's results reads every answer of a wave, millions of
rows, and the database's work of collecting them per response was most of the
computation (issue 10, ``bench/planner.py``). When a pupil submits, the
answers are final (saving refuses a submitted response), so
:func:`survey_app.pupil.services.submit` stores them joined into one text
(``item<US>value<RS>item<US>value``, item codes in order) in
``response.submitted_answers``, and the results read one row per response.

The answer rows stay the record; the text is their copy as submitted and goes
with the response (retention deletes both). A response without the text (not
submitted, submitted before this column existed and not yet filled in, or an
answer holding one of the separators) is read from the rows.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from survey_app.models import Answer, Response

UNIT, RECORD = "\x1f", "\x1e"
_FILL_BATCH = 2000  # responses filled in per statement by fill_missing


def join_answers(values: Mapping[str, str]) -> str | None:
    """The answers ``{item code: value}`` as one text, or ``None`` when they cannot be
    joined unambiguously (no answer at all, or a separator inside a code or value)."""
    if not values or any(UNIT in text or RECORD in text
                         for pair in values.items() for text in pair):
        return None
    return RECORD.join(f"{code}{UNIT}{value}" for code, value in sorted(values.items()))


def fill_missing(connection: Connection) -> int:
    """Store the text for every submitted response that lacks it (from its answer rows).

    For a database upgraded from a version without the column (the migration
    runs it) and safe to run again; returns the number of responses filled in.
    Responses whose answers cannot be joined keep ``NULL`` and are read from
    the rows.
    """
    missing = list(connection.scalars(
        select(Response.id).where(Response.status == "submitted",
                                  Response.submitted_answers.is_(None)).order_by(Response.id)))
    filled = 0
    for first in range(0, len(missing), _FILL_BATCH):
        ids = missing[first:first + _FILL_BATCH]
        answers: dict[int, dict[str, str]] = {rid: {} for rid in ids}
        for rid, code, value in connection.execute(
                select(Answer.response_id, Answer.item_code, Answer.value)
                .where(Answer.response_id.in_(ids))):
            answers[rid][code] = value
        texts = [{"rid": rid, "text": join_answers(values)} for rid, values in answers.items()]
        texts = [t for t in texts if t["text"] is not None]
        if texts:
            connection.execute(
                update(Response.__table__)
                .where(Response.__table__.c.id == bindparam("rid"))
                .values(submitted_answers=bindparam("text")), texts)
            filled += len(texts)
    return filled


def renew(connection: Connection, response_ids) -> int:
    """Build the text of these responses anew from their answer rows.

    Answers of a submitted response never change in the app; whoever corrects
    answer rows by hand (a data fix, a test that moves pupils to another
    district) must call this for the responses changed, or the results go on
    reading the answers as submitted.
    """
    connection.execute(update(Response.__table__)
                       .where(Response.__table__.c.id.in_(response_ids))
                       .values(submitted_answers=None))
    return fill_missing(connection)
