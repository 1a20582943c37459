"""Opening, closing and reopening a wave, with dates that always tell the same story as the state.

Pupils may answer on a day when the wave is ``open`` and the day lies between
its opening and closing dates (see :func:`survey_app.pupil.services.start_or_resume`).
So that the admin page never says "open" while pupils are refused, the rules are:

* **open** (a draft) or **reopen** (a closed wave) is allowed when the closing
  date is today or later. Opening moves the opening date to today only if it
  lies in the future (an earlier opening date is history and stays). A draft
  keeps its planned closing date unless the admin chooses another one;
  reopening a closed wave always asks for a new closing date, since the old
  one is the day it was closed.
* **close** is allowed for an open wave and sets the closing date to today; a
  closing date that has passed already stays (the wave ended then).
* A draft is never closed (it was never open: edit or leave it).
* Editing the dates keeps the same story: an open wave's opening date cannot
  lie in the future nor its closing date in the past, a closed wave's closing
  date cannot lie in the future (see :func:`date_problem`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, object_session

from survey_app.models import AuditEvent, Wave
from survey_app.services import audit
from survey_app.services.errors import InvalidInput


def date_problem(state: str, opens_on: dt.date, closes_on: dt.date,
                 today: dt.date) -> tuple[str, str] | None:
    """``(field, message)`` if the dates contradict each other or the wave's state."""
    if closes_on < opens_on:
        return "closes_on", _("The closing date must not be before the opening date.")
    if state == "open" and opens_on > today:
        return "opens_on", _("The wave is open, so its opening date cannot lie in the future. "
                             "Choose today or an earlier date.")
    if state == "open" and closes_on < today:
        return "closes_on", _("The wave is open, so its closing date cannot lie in the past. "
                              "To end the wave now, close it.")
    if state == "closed" and closes_on > today:
        return "closes_on", _("The wave is closed, so its closing date cannot lie in the "
                              "future. To extend it, reopen it.")
    return None


@dataclass(frozen=True)
class Change:
    """What a state change would do: the new state and dates (shown before confirming)."""

    state: str
    opens_on: dt.date
    closes_on: dt.date | None  # None: a new closing date must be chosen first


def answers_deleted(wave: Wave) -> bool:
    """Whether ``wellbeing retention`` deleted the wave's raw answers (an audited, final step)."""
    session = object_session(wave)
    return session is not None and bool(session.scalar(select(exists().where(
        AuditEvent.action == "wave.retention", AuditEvent.target_type == "Wave",
        AuditEvent.target_id == wave.id))))


def planned_change(wave: Wave, state: str, today: dt.date,
                   closes_on: dt.date | None = None) -> Change:
    """The state and dates after opening or closing ``wave`` today.

    ``closes_on`` is the closing date the admin chose when opening (required
    to reopen a closed wave). Raises :class:`InvalidInput` for a change the
    rules above do not allow.
    """
    if state == "open":
        if wave.state == "open":
            raise InvalidInput(_("The wave is open already."))
        if wave.state == "closed" and answers_deleted(wave):
            raise InvalidInput(_("The wave cannot be reopened: its answers were deleted after "
                                 "archiving. Pupils whose codes were in use would start again "
                                 "with nothing; create a new wave instead."))
        if closes_on is None and wave.state == "draft" and wave.closes_on >= today:
            closes_on = wave.closes_on
        if closes_on is not None and closes_on < today:
            raise InvalidInput(_("The closing date must be today or later, or pupils could "
                                 "not answer."), field="closes_on")
        return Change("open", min(wave.opens_on, today), closes_on)
    if state == "closed":
        if wave.state != "open":
            raise InvalidInput(_("Only an open wave can be closed."))
        opens_on = min(wave.opens_on, today)
        return Change("closed", opens_on, max(min(wave.closes_on, today), opens_on))
    raise InvalidInput(_("Unknown wave or state."))


def set_wave_state(session: Session, actor_id: int | None, wave_id: int, state: str,
                   closes_on: dt.date | None = None, today: dt.date | None = None) -> Wave:
    """Open, reopen or close a wave now, moving its dates by the rules of this module."""
    today = today or dt.date.today()
    wave = session.get(Wave, wave_id)
    if wave is None:
        raise InvalidInput(_("Unknown wave or state."))
    change = planned_change(wave, state, today, closes_on)
    if change.closes_on is None:
        raise InvalidInput(_("Please choose until when pupils may answer."), field="closes_on")
    previous = {"state": wave.state, "opens_on": wave.opens_on.isoformat(),
                "closes_on": wave.closes_on.isoformat()}
    action = "wave.close" if state == "closed" else (
        "wave.reopen" if wave.state == "closed" else "wave.open")
    wave.state, wave.opens_on, wave.closes_on = change.state, change.opens_on, change.closes_on
    session.flush()
    audit.record(session, actor_id, action, wave, previous=previous,
                 opens_on=wave.opens_on.isoformat(), closes_on=wave.closes_on.isoformat())
    return wave
