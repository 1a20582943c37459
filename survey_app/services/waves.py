"""Survey waves: set up with a pinned questionnaire, corrected (opening and closing:
:mod:`survey_app.services.wave_states`).

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

from analysis.questionnaire import Questionnaire
from survey_app.models import Municipality, Region, Response, Wave
from survey_app.services import audit
from survey_app.services.errors import InvalidInput
from survey_app.services.questionnaires import available, check, definition_files, problems
from survey_app.services.wave_states import date_problem


def questionnaire_key(questionnaire) -> str:
    """The opaque form value of a definition: ``id@version`` (never a server path)."""
    return f"{questionnaire.id}@{questionnaire.version}"


def _by_key(extra_dirs: str | None) -> dict[str, list[tuple[Path, Questionnaire]]]:
    """The valid definitions with their files by ``id@version``, in the folders' order."""
    found: dict[str, list] = {}
    for path in definition_files(extra_dirs):
        questionnaire = check(path)
        if isinstance(questionnaire, Questionnaire):
            found.setdefault(questionnaire_key(questionnaire), []).append((path, questionnaire))
    return found


def questionnaire_choices(extra_dirs: str | None) -> list[tuple[str, str]]:
    """``(id@version, label)`` of every definition that validates, once each.

    The same file in two folders (the shipped one and a city's copy) is one
    choice; two different files with one id and version are none (listed by
    :func:`invalid_questionnaires`), as a wave could not say which it means.
    """
    return [(key, f"{found[0][1].id} {found[0][1].version}") for key, found in
            _by_key(extra_dirs).items() if len({q.content_hash for _path, q in found}) == 1]


def invalid_questionnaires(extra_dirs: str | None) -> list[str]:
    """``file:line: message`` (file name only) of every definition file that does not validate,
    and the files that define one id and version differently.

    Such files cannot be chosen for a wave; the page lists why.
    """
    listed = [f"{Path(p.file).name}:{p.line}: {p.message}" for p in problems(extra_dirs)]
    for key, found in _by_key(extra_dirs).items():
        if len({q.content_hash for _path, q in found}) > 1:
            names = ", ".join(sorted(path.name for path, _q in found))
            listed.append(_("%(files)s: two different files define %(key)s; remove or "
                            "renumber one of them.", files=names, key=key))
    return listed


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


def has_answers(session: Session, wave_id: int) -> bool:
    """Whether any pupil has started the wave's questionnaire (then it is fixed for good)."""
    return session.scalar(select(Response.id).where(Response.wave_id == wave_id).limit(1)) \
        is not None


def update_wave(session: Session, actor_id: int, wave_id: int, *, name: str,
                opens_on: dt.date, closes_on: dt.date, questionnaire: str | None = None,
                extra_dirs: str | None = None, today: dt.date | None = None) -> Wave:
    """Correct a wave's name, dates and (while nobody has answered) its questionnaire.

    The dates must fit the wave's state (see
    :func:`survey_app.services.wave_states.date_problem`); ``questionnaire`` is
    a key ``id@version`` or ``None`` to keep the pinned one. Once a pupil has
    started, the questionnaire stays: answers are read with the definition they
    were given under.
    """
    today = today or dt.date.today()
    wave = session.get(Wave, wave_id)
    if wave is None:
        raise InvalidInput(_("Unknown wave."))
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidInput(_("The name must have 1 to 120 characters."), field="name")
    if session.scalar(select(Wave).where(Wave.name == name, Wave.id != wave.id)):
        raise InvalidInput(_("A wave with this name exists already."), field="name")
    problem = date_problem(wave.state, opens_on, closes_on, today)
    if problem:
        raise InvalidInput(problem[1], field=problem[0])
    previous = {"name": wave.name, "opens_on": wave.opens_on.isoformat(),
                "closes_on": wave.closes_on.isoformat(),
                "questionnaire": f"{wave.questionnaire_id} {wave.questionnaire_version}"}
    if questionnaire is not None and questionnaire != f"{wave.questionnaire_id}@" \
            f"{wave.questionnaire_version}":
        if has_answers(session, wave.id):
            raise InvalidInput(_("Pupils have answered already, so the questionnaire cannot "
                                 "be changed any more."), field="questionnaire")
        chosen = resolve_questionnaire(questionnaire, extra_dirs)
        wave.questionnaire_id, wave.questionnaire_version = chosen.id, chosen.version
        wave.questionnaire_hash = chosen.content_hash
    wave.name, wave.opens_on, wave.closes_on = name, opens_on, closes_on
    session.flush()
    audit.record(session, actor_id, "wave.update", wave, name=name,
                 opens_on=opens_on.isoformat(), closes_on=closes_on.isoformat(),
                 questionnaire=f"{wave.questionnaire_id} {wave.questionnaire_version}",
                 previous=previous)
    return wave
