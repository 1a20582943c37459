"""Survey waves: set up with a pinned questionnaire, opened and closed.

A wave can only be set up with a questionnaire definition that validates,
chosen by the opaque key ``id@version`` (the form never shows server paths);
the problems of files that do not validate are listed (``file:line: message``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import Municipality, Region, Wave
from survey_app.services import audit
from survey_app.services.errors import InvalidInput
from survey_app.services.questionnaires import available, problems


def questionnaire_key(questionnaire) -> str:
    """The opaque form value of a definition: ``id@version`` (never a server path)."""
    return f"{questionnaire.id}@{questionnaire.version}"


def questionnaire_choices(extra_dirs: str | None) -> list[tuple[str, str]]:
    """``(id@version, label)`` of every definition that validates."""
    return [(questionnaire_key(q), f"{q.id} {q.version}") for q in available(extra_dirs)]


def invalid_questionnaires(extra_dirs: str | None) -> list[str]:
    """``file:line: message`` (file name only) of every definition file that does not validate.

    Such files cannot be chosen for a wave; the page lists why.
    """
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in problems(extra_dirs)]


def resolve_questionnaire(key: str, extra_dirs: str | None):
    """The valid definition with key ``id@version``; :class:`InvalidInput` otherwise."""
    matches = [q for q in available(extra_dirs) if questionnaire_key(q) == key]
    if not matches:
        raise InvalidInput(_("Unknown questionnaire version. Please choose one from the list."),
                           field="questionnaire")
    if len({q.content_hash for q in matches}) > 1:
        raise InvalidInput(_("Two different files define %(key)s; remove one of them first.",
                             key=key), field="questionnaire")
    return matches[0]


def create_wave(session: Session, actor_id: int, *, name: str, questionnaire: str,
                extra_dirs: str | None, municipality_id: int | None, region_id: int | None,
                grade_min: int, grade_max: int, opens_on: dt.date,
                closes_on: dt.date) -> Wave:
    """Set up a draft wave; raises :class:`InvalidInput` naming the field at fault.

    ``questionnaire`` is the key ``id@version`` of a definition that validates.
    """
    name = name.strip()
    if session.scalar(select(Wave).where(Wave.name == name)):
        raise InvalidInput(_("A wave with this name exists already."), field="name")
    if (municipality_id is None) == (region_id is None):
        raise InvalidInput(_("Choose either one municipality or one region."),
                           field="municipality_id")
    if municipality_id is not None and session.get(Municipality, municipality_id) is None:
        raise InvalidInput(_("Unknown municipality."), field="municipality_id")
    if region_id is not None and session.get(Region, region_id) is None:
        raise InvalidInput(_("Unknown region."), field="region_id")
    if not 1 <= grade_min <= grade_max <= 13:
        raise InvalidInput(_("Grades must run from a lower to a higher grade, within 1-13."),
                           field="grade_max")
    if closes_on < opens_on:
        raise InvalidInput(_("The closing date must not be before the opening date."),
                           field="closes_on")
    questionnaire = resolve_questionnaire(questionnaire, extra_dirs)
    wave = Wave(name=name, questionnaire_id=questionnaire.id,
                questionnaire_version=questionnaire.version,
                questionnaire_hash=questionnaire.content_hash, municipality_id=municipality_id,
                region_id=region_id, grade_min=grade_min, grade_max=grade_max,
                opens_on=opens_on, closes_on=closes_on, state="draft")
    session.add(wave)
    session.flush()
    audit.record(session, actor_id, "wave.create", wave, name=name,
                 questionnaire=f"{questionnaire.id} {questionnaire.version}",
                 opens_on=opens_on.isoformat(), closes_on=closes_on.isoformat())
    return wave


def set_wave_state(session: Session, actor_id: int, wave_id: int, state: str,
                   today: dt.date | None = None) -> Wave:
    """Open or close a wave now.

    Opening moves the opening date to today if it lies in the future (and
    the closing date along if needed); closing moves the closing date to
    today if it lies in the future, so dates and state tell the same story.
    """
    today = today or dt.date.today()
    wave = session.get(Wave, wave_id)
    if wave is None or state not in ("open", "closed"):
        raise InvalidInput(_("Unknown wave or state."))
    if state == "open":
        wave.opens_on = min(wave.opens_on, today)
        wave.closes_on = max(wave.closes_on, today)
    else:
        wave.closes_on = max(min(wave.closes_on, today), wave.opens_on)
    previous, wave.state = wave.state, state
    session.flush()
    audit.record(session, actor_id, f"wave.{'open' if state == 'open' else 'close'}", wave,
                 previous=previous)
    return wave
