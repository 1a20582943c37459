"""An earlier, closed wave of the demo city, so that trends have two waves to compare.

UWE-style cities survey every two or three years; a planner's trend page needs
the wave before. The demo's earlier wave has the same schools and classes, its
own simulated answers (another seed: other pupils, the same built-in pattern),
and released results dated when that wave was released, so the current wave
stays the newest one a planner lands on.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.questionnaire import Questionnaire
from survey_app.demo.responses import ensure_demo_responses
from survey_app.demo.seed import CITY, SCHOOLS
from survey_app.models import Municipality, ResultSet, School, SchoolClass, Wave
from survey_app.services import results

PREVIOUS_WAVE = "Musterstadt 2023"
OPENS_ON, CLOSES_ON = dt.date(2023, 11, 6), dt.date(2023, 12, 15)
RELEASED_AT = dt.datetime(2024, 2, 1, 9, 0, tzinfo=dt.timezone.utc)
SEED = 2023


def ensure_previous_wave(session: Session, questionnaire: Questionnaire,
                         min_group_size: int) -> ResultSet | None:
    """Create the earlier wave with answers and released results once; the new set, or ``None``."""
    city = session.scalar(select(Municipality).filter_by(name=CITY))
    wave = session.scalar(select(Wave).filter_by(name=PREVIOUS_WAVE))
    if wave is None:
        wave = Wave(name=PREVIOUS_WAVE, questionnaire_id=questionnaire.id,
                    questionnaire_version=questionnaire.version,
                    questionnaire_hash=questionnaire.content_hash, municipality_id=city.id,
                    grade_min=5, grade_max=10, opens_on=OPENS_ON, closes_on=CLOSES_ON,
                    state="closed")
        session.add(wave)
        session.flush()
        for school_name, classes in SCHOOLS.items():
            school = session.scalar(select(School).filter_by(name=school_name,
                                                             municipality_id=city.id))
            for class_name, grade, enrolled in classes:
                session.add(SchoolClass(wave_id=wave.id, school_id=school.id, name=class_name,
                                        grade=grade, enrolled=enrolled))
        session.flush()
        session.refresh(wave)
    ensure_demo_responses(session, wave, questionnaire, skip_class=None, today=CLOSES_ON,
                          seed=SEED)
    if results.released(session, wave.id) is not None:
        return None
    stored = results.compute_results(session, wave, questionnaire, min_group_size=min_group_size)
    stored = results.release_results(session, None, stored)
    stored.released_at = RELEASED_AT  # released after that wave, long before the current one
    session.flush()
    return stored
