"""Create (or find) the demo city: districts, schools, classes and an open wave.

Every function here is idempotent: running ``wellbeing demo`` again finds what
exists and only adds what is missing, so no data is lost.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import District, Municipality, Region, School, SchoolClass, Wave

REGION = "Demo-Kreis"
CITY = "Musterstadt"
WAVE = "Musterstadt 2026"
DISTRICT_NAMES = (
    "Altstadt", "Nordviertel", "Am Hafen", "Bergkamp", "Ostfeld", "Lindenhof",
    "Südpark", "Kirchdorf", "Westend", "Heide", "Zechenfeld", "Rosenhügel",
)
SCHOOLS = {
    "Gesamtschule Nord": (("5a", 5, 27), ("5b", 5, 26), ("7a", 7, 28), ("7b", 7, 27),
                          ("9a", 9, 26), ("9b", 9, 25)),
    "Gymnasium am Park": (("5a", 5, 29), ("5b", 5, 28), ("7a", 7, 30), ("9a", 9, 27),
                          ("9b", 9, 28)),
    "Realschule Ostfeld": (("5a", 5, 25), ("7a", 7, 26), ("7b", 7, 24), ("9a", 9, 25)),
    "Sekundarschule West": (("5a", 5, 23), ("6a", 6, 23), ("7a", 7, 24), ("9a", 9, 22)),
    "Gesamtschule Hafen": (("5a", 5, 27), ("5b", 5, 27), ("7a", 7, 28), ("9a", 9, 26)),
}
#: Official school numbers and school types of the demo schools (fictional numbers).
SCHOOL_DETAILS = {
    "Gesamtschule Nord": ("190101", "gesamtschule"),
    "Gymnasium am Park": ("190102", "gymnasium"),
    "Realschule Ostfeld": ("190103", "realschule"),
    "Sekundarschule West": ("190104", "sekundarschule"),
    "Gesamtschule Hafen": ("190105", "gesamtschule"),
}
_ORIGIN = (7.20, 51.50)  # lon/lat of the fictional city's south-west corner
_CELL = (0.03, 0.02)


@dataclass(frozen=True)
class DemoCity:
    """What the demo needs to print: the open wave and a class to issue codes for."""

    wave: Wave
    first_class: SchoolClass


def district_polygon(index: int, columns: int = 4) -> str:
    """GeoJSON polygon of grid cell ``index`` (a simple, valid closed ring)."""
    row, col = divmod(index, columns)
    x0, y0 = _ORIGIN[0] + col * _CELL[0], _ORIGIN[1] + row * _CELL[1]
    x1, y1 = x0 + _CELL[0], y0 + _CELL[1]
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return json.dumps({"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)]
                                                            for x, y in ring]]})


def _get_or_add(session: Session, model, lookup: dict, **extra):
    found = session.scalar(select(model).filter_by(**lookup))
    if found is None:
        found = model(**lookup, **extra)
        session.add(found)
        session.flush()
    return found


def ensure_demo_city(session: Session, questionnaire, today: dt.date | None = None) -> DemoCity:
    """Create the demo city if missing and keep its wave open around ``today``."""
    today = today or dt.date.today()
    region = _get_or_add(session, Region, {"name": REGION})
    city = _get_or_add(session, Municipality, {"name": CITY, "region_id": region.id})
    for index, name in enumerate(DISTRICT_NAMES):
        _get_or_add(session, District, {"municipality_id": city.id, "code": f"{index + 1:02d}"},
                    name=name, geometry=district_polygon(index))
    wave = session.scalar(select(Wave).filter_by(name=WAVE))
    if wave is None:
        wave = Wave(name=WAVE, questionnaire_id=questionnaire.id,
                    questionnaire_version=questionnaire.version,
                    questionnaire_hash=questionnaire.content_hash, municipality_id=city.id,
                    grade_min=5, grade_max=10, opens_on=today, closes_on=today, state="open")
        session.add(wave)
    wave.opens_on = min(wave.opens_on, today)
    wave.closes_on = max(wave.closes_on, today + dt.timedelta(days=60))
    session.flush()
    first_class = None
    for school_name, classes in SCHOOLS.items():
        school = _get_or_add(session, School, {"name": school_name, "municipality_id": city.id})
        number, school_type = SCHOOL_DETAILS[school_name]
        school.number = school.number or number
        school.school_type = school.school_type or school_type
        for class_name, grade, enrolled in classes:
            school_class = _get_or_add(
                session, SchoolClass,
                {"wave_id": wave.id, "school_id": school.id, "name": class_name},
                grade=grade, enrolled=enrolled,
            )
            first_class = first_class or school_class
    session.flush()
    return DemoCity(wave=wave, first_class=first_class)
