"""What every write of the pupil flow checks first, inside its transaction.

A save or a submit locks its response together with its code and reads
whether the code, class and wave still accept answers (:func:`lock_response`,
one query): a close or a void committed before the check is always seen, and
nothing of a refused save or submit is written (the view rolls back). A close
or a void does not commit while a save that passed the check is still
writing: on PostgreSQL the class and wave rows are share-locked by the check,
the code row locked for update.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from survey_app.models import AccessCode, Response, SchoolClass, Wave
from survey_app.pupil.storage import lock_for_writing


class SurveyClosed(Exception):
    """The code was voided, or its class or wave closed, after the pupil started.

    ``reason`` is a key of :data:`survey_app.pupil.messages.REFUSALS`
    (``void`` or ``closed``). Nothing of the refused save or submit is written.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


#: The statement of every save, built once: building a SQLAlchemy statement costs more
#: Python than running it (the compiled form is cached either way).
_OPEN_RESPONSE = (
    select(Response, Wave, AccessCode.state, SchoolClass.state)
    .join(AccessCode, AccessCode.id == Response.access_code_id)
    .join(SchoolClass, SchoolClass.id == AccessCode.class_id)
    .join(Wave, Wave.id == SchoolClass.wave_id)
    .where(Response.id == bindparam("response_id"))
    .with_for_update(of=(Response, AccessCode))
    # A close of the class or wave waits for the saves that passed this check, and a save
    # that comes after a close waits for it and then reads the closed state (shared locks:
    # saves do not wait for each other). SQLite writers are serialised anyway.
    .suffix_with("FOR SHARE OF school_class, wave", dialect="postgresql")
    .execution_options(populate_existing=True)
)


@dataclass(frozen=True)
class LockedResponse:
    """A response locked for the rest of its transaction, as :func:`lock_response` found it.

    ``response`` and ``wave`` are ``None`` when there is no such response;
    ``refusal`` is ``None`` when the code, class and wave still accept
    answers, else the reason (:func:`refusal`).
    """

    response: Response | None
    wave: Wave | None
    refusal: str | None


def refusal(code_state: str, class_state: str, wave_state: str, opens_on: dt.date,
            closes_on: dt.date, today: dt.date | None = None) -> str | None:
    """Why answers may no longer be written (``void`` or ``closed``), or ``None``."""
    today = today or dt.date.today()
    if code_state == "void":
        return "void"
    if class_state != "open" or wave_state != "open" or not opens_on <= today <= closes_on:
        return "closed"
    return None


def lock_response(session: Session, response_id: int,
                  today: dt.date | None = None) -> LockedResponse:
    """Lock a response and its code for a write, and say whether they still accept answers.

    Starts the transaction as a writer (:func:`lock_for_writing`), so call it
    before anything else of a write. The caller raises the refusal as
    :class:`SurveyClosed` once it has checked what comes first (a submitted
    response). One query: the response row is re-read and locked together
    with its code (``FOR UPDATE OF response, access_code``), and read with
    its class and wave (``FOR SHARE OF school_class, wave``), so a close or a
    void committed before this point is always seen, and a close or a void
    waits for the save or the save for it. A page
    save runs only this query before its writes: the view locks with it
    and hands the result to :func:`~survey_app.pupil.services.write_page`.
    """
    lock_for_writing(session)
    row = session.execute(_OPEN_RESPONSE, {"response_id": response_id}).one_or_none()
    if row is None:  # no such response: its code, class and wave cannot be deleted (RESTRICT)
        return LockedResponse(None, None, "void")
    response, wave, code_state, class_state = row
    return LockedResponse(response, wave, refusal(code_state, class_state, wave.state,
                                                  wave.opens_on, wave.closes_on, today))
