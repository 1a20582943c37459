"""Answered surveys for the demo city, simulated with :mod:`analysis.simulation`.

Stored exactly as the pupil flow stores them (one submitted response per
access code, one answer row per item, the district as the district's id), so
that response monitoring, exports and dashboards show realistic figures. The
first class is left empty: it is the one the demo prints codes for.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from analysis.questionnaire import DONT_KNOW, Questionnaire
from analysis.simulation import simulate_city
from survey_app.models import AccessCode, Answer, District, Response, SchoolClass, Wave
from survey_app.services.access_codes import code_hash, new_code
from survey_app.services.submitted_answers import join_answers

SEED = 2026


def ensure_demo_responses(session: Session, wave: Wave, questionnaire: Questionnaire,
                          skip_class: SchoolClass | None, today: dt.date | None = None,
                          seed: int = SEED) -> int:
    """Add simulated submitted responses once; return how many were added.

    ``skip_class`` stays empty (the class the demo prints codes for); ``seed``
    gives another wave other pupils.
    """
    already = session.scalar(select(func.count()).select_from(Response)
                             .where(Response.wave_id == wave.id, Response.status == "submitted"))
    if already:
        return 0
    today = today or dt.date.today()
    rng = np.random.default_rng(seed)
    classes = [c for c in wave.classes
               if (skip_class is None or c.id != skip_class.id) and c.enrolled]
    sizes = [int(round(c.enrolled * rng.uniform(0.55, 0.95))) for c in classes]
    districts = session.scalars(select(District).where(
        District.municipality_id == wave.municipality_id).order_by(District.code)).all()
    pupils = simulate_city(questionnaire, sum(sizes), districts=len(districts),
                           schools=len({c.school_id for c in classes}), seed=seed,
                           city_seed=SEED).responses
    district_ids = {f"{i + 1:02d}": str(d.id) for i, d in enumerate(districts)}
    start = 0
    for school_class, size in zip(classes, sizes):
        rows = pupils.iloc[start:start + size]
        start += size
        for _, row in rows.iterrows():
            _store(session, wave, school_class, questionnaire, row, district_ids, today)
    session.flush()
    return sum(sizes)


def _store(session, wave, school_class, questionnaire, row, district_ids, today) -> None:
    code = AccessCode(school_class=school_class, code_hash=code_hash(new_code()),
                      state="submitted", created_on=today)
    session.add(code)
    session.flush()
    language = row["language"] if row["language"] in questionnaire.language_codes else "de"
    response = Response(wave_id=wave.id, class_id=school_class.id, access_code_id=code.id,
                        questionnaire_version=wave.questionnaire_version, language=language,
                        status="submitted", started_on=today, submitted_on=today,
                        furthest_page=len(questionnaire.pages) - 1)
    session.add(response)
    session.flush()
    answers = []
    for item in questionnaire.items:
        value = row.get(item.code)
        if item.role == "grade":
            value = school_class.grade
        if value is None or pd.isna(value) or value == "":
            continue
        if item.type == "wave_list" and value != DONT_KNOW:
            value = district_ids.get(str(value))
            if value is None:
                continue
        answers.append({"response_id": response.id, "item_code": item.code,
                        "value": str(int(value)) if isinstance(value, (int, np.integer, float))
                        else str(value)})
    if answers:
        session.execute(insert(Answer), answers)
    response.submitted_answers = join_answers({a["item_code"]: a["value"] for a in answers})
