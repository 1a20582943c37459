"""What every write of the pupil flow checks first, inside its transaction.

The row a write changes is re-read with a lock (:func:`locked`), and the
code, class and wave must still accept answers (:func:`still_open`): a close
or a void committed before the check is always seen, and nothing of a
refused save or submit is written (the view rolls back).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from survey_app.models import AccessCode, Response, SchoolClass, Wave


class SurveyClosed(Exception):
    """The code was voided, or its class or wave closed, after the pupil started.

    ``reason`` is a key of :data:`survey_app.pupil.messages.REFUSALS`
    (``void`` or ``closed``). Nothing of the refused save or submit is written.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


#: The statements of every save, built once: building a SQLAlchemy statement costs more
#: Python than running it (the compiled form is cached either way).
_LOCK = {model: select(model).where(model.id == bindparam("row_id")).with_for_update()
         .execution_options(populate_existing=True) for model in (AccessCode, Response)}
_STILL_OPEN = (
    select(AccessCode.state, SchoolClass.state, Wave.state, Wave.opens_on, Wave.closes_on)
    .join(SchoolClass, SchoolClass.id == AccessCode.class_id)
    .join(Wave, Wave.id == SchoolClass.wave_id)
    .where(AccessCode.id == bindparam("code_id"))
    .with_for_update(of=AccessCode)
)


def locked(session: Session, model, row_id: int):
    """Re-read a row with a write lock (FOR UPDATE; SQLite: the database lock)."""
    return session.scalars(_LOCK[model], {"row_id": row_id}).one_or_none()


def still_open(session: Session, response: Response, today: dt.date | None = None) -> None:
    """Refuse a write unless the response's code, class and wave still accept answers.

    Called after the response row is locked, inside the transaction that then
    writes, so a close or a void committed before this point is always seen;
    on PostgreSQL the code row is locked too (``FOR UPDATE OF access_code``),
    so a void waits for the save or the save waits for the void. One query.
    Raises :class:`SurveyClosed`.
    """
    today = today or dt.date.today()
    row = session.execute(_STILL_OPEN, {"code_id": response.access_code_id}).one_or_none()
    if row is None or row[0] == "void":
        raise SurveyClosed("void")
    _code, class_state, wave_state, opens_on, closes_on = row
    if class_state != "open" or wave_state != "open" or not opens_on <= today <= closes_on:
        raise SurveyClosed("closed")
