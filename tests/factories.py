"""Builders for test data: a small city with an open wave on ``small.yaml``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from analysis.questionnaire import load
from survey_app.extensions import db
from survey_app.models import District, Municipality, Region, School, SchoolClass, Wave
from survey_app.services.access_codes import generate_codes
from tests.conftest import FILES


@dataclass
class SmallCity:
    """Ids of what :func:`small_city` made, plus the plain access codes."""

    wave_id: int
    class_id: int
    closed_class_id: int
    codes: list[str]
    closed_class_codes: list[str]


def small_city(codes: int = 5, questionnaire_file: str = "small.yaml",
               today: dt.date | None = None) -> SmallCity:
    """Region, city, 3 districts, a school with an open and a closed class, an open wave.

    Call inside an app context; commits.
    """
    today = today or dt.date.today()
    questionnaire = load(FILES / questionnaire_file)
    region = Region(name="Testkreis")
    city = Municipality(name="Teststadt", region=region)
    for index, name in enumerate(("Nord", "Mitte", "Süd"), start=1):
        db.session.add(District(municipality=city, code=f"0{index}", name=name))
    school = School(name="Testschule", municipality=city)
    wave = Wave(name="Test 2026", questionnaire_id=questionnaire.id,
                questionnaire_version=questionnaire.version,
                questionnaire_hash=questionnaire.content_hash, municipality=city,
                grade_min=5, grade_max=10, opens_on=today - dt.timedelta(days=1),
                closes_on=today + dt.timedelta(days=30), state="open")
    open_class = SchoolClass(wave=wave, school=school, name="5a", grade=5, enrolled=25)
    closed_class = SchoolClass(wave=wave, school=school, name="5b", grade=5, enrolled=24,
                               state="closed")
    db.session.add_all([region, city, school, wave, open_class, closed_class])
    db.session.flush()
    plain = generate_codes(db.session, open_class, codes)
    closed_plain = generate_codes(db.session, closed_class, 2)
    db.session.commit()
    return SmallCity(wave.id, open_class.id, closed_class.id, plain, closed_plain)
