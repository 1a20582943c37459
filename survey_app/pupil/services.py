"""Starting and resuming a pupil's response from an access code."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import Response
from survey_app.services.access_codes import find_code


class StartRefused(Exception):
    """The code cannot start a survey; ``reason`` is a key for the message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def start_or_resume(session: Session, typed_code: str, language: str,
                    today: dt.date | None = None) -> Response:
    """Return the response for a code, creating it on first use.

    Reasons for refusal: ``unknown`` (also for malformed input, so that the
    message reveals nothing about which codes exist), ``used``, ``void``,
    ``closed`` (class or wave not open).
    """
    today = today or dt.date.today()
    code = find_code(session, typed_code)
    if code is None:
        raise StartRefused("unknown")
    if code.state == "submitted":
        raise StartRefused("used")
    if code.state == "void":
        raise StartRefused("void")
    school_class = code.school_class
    wave = school_class.wave
    if (school_class.state != "open" or wave.state != "open"
            or not wave.opens_on <= today <= wave.closes_on):
        raise StartRefused("closed")
    response = session.scalar(select(Response).where(Response.access_code_id == code.id))
    if response is None:
        response = Response(
            wave_id=wave.id, class_id=school_class.id, access_code_id=code.id,
            questionnaire_version=wave.questionnaire_version, language=language,
            started_on=today,
        )
        session.add(response)
        code.state = "started"
    session.flush()
    return response
