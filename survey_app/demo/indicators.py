"""District indicators of the demo city, from the same simulation as its answers.

The simulated city gives every district a deprivation indicator (share of
children in families on basic income support); the simulated answers are
lower where it is high. Storing it as the city's social indicator makes that
built-in pattern visible in the targeting scatter.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.questionnaire import Questionnaire
from analysis.simulation import simulate_city
from survey_app.demo.responses import SEED
from survey_app.models import District, DistrictIndicator, SchoolClass, Wave

#: The indicator's name as a German city's statistics office would write it.
INDICATOR = "Kinder in SGB-II-Bedarfsgemeinschaften (%)"
YEAR = 2025


def ensure_demo_indicators(session: Session, wave: Wave, questionnaire: Questionnaire) -> int:
    """Store the demo districts' deprivation once (per cent); return how many were added."""
    districts = session.scalars(select(District).where(
        District.municipality_id == wave.municipality_id).order_by(District.code)).all()
    stored = set(session.scalars(select(DistrictIndicator.district_id).where(
        DistrictIndicator.indicator == INDICATOR, DistrictIndicator.year == YEAR)))
    schools = len(set(session.scalars(select(SchoolClass.school_id).where(
        SchoolClass.wave_id == wave.id))))
    city = simulate_city(questionnaire, 200, districts=len(districts), schools=max(schools, 1),
                         seed=SEED)
    deprivation = {f["properties"]["code"]: f["properties"]["deprivation"]
                   for f in city.districts["features"]}
    added = 0
    for number, district in enumerate(districts, start=1):
        value = deprivation.get(f"{number:02d}")
        if value is None or district.id in stored:
            continue
        session.add(DistrictIndicator(district_id=district.id, indicator=INDICATOR, year=YEAR,
                                      value=round(100 * value, 1)))
        added += 1
    session.flush()
    return added
