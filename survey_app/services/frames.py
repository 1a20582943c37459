"""Database rows to DataFrames: the one bridge from the app's tables to ``analysis``.

A wave's submitted responses become the wide responses table of design §4
(``response_id, wave, school, class, district, grade, gender, language``, then
one column per item code), exactly what ``wellbeing analyse`` and
``analysis.reading.read_responses`` take.
"""

from __future__ import annotations

import secrets

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.questionnaire import DONT_KNOW, Questionnaire
from survey_app.models import Answer, District, Response, School, SchoolClass, Wave

FIXED_COLUMNS = ("response_id", "wave", "school", "class", "district", "grade", "gender",
                 "language")


#: Extra columns of ``responses_frame(..., keys=True)``: database ids for stored results.
KEY_COLUMNS = ("school_id", "municipality_id", "district_id")


def responses_frame(session: Session, wave: Wave, questionnaire: Questionnaire,
                    include_text: bool = False, keys: bool = False) -> pd.DataFrame:
    """The wave's submitted responses in the wide format, in random row order.

    ``response_id`` is a new number 1..n, not the database id, and rows are
    shuffled, so the file cannot be lined up with access codes or with the
    order in which pupils started. Free-text answers (which may hold names)
    are left out unless ``include_text``. The district answer becomes the
    district's code (or ``dont_know``).

    With ``keys`` the frame also holds :data:`KEY_COLUMNS` (the school's id and
    municipality, the home district's id or ``<NA>``), so that stored results
    can name their records; these never leave the server.
    """
    meta = pd.DataFrame(session.execute(
        select(Response.id.label("rid"), Response.language, School.name.label("school"),
               SchoolClass.name.label("class"), SchoolClass.grade.label("class_grade"),
               School.id.label("school_id"), School.municipality_id)
        .join(SchoolClass, SchoolClass.id == Response.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .where(Response.wave_id == wave.id, Response.status == "submitted")
    ).all(), columns=["rid", "language", "school", "class", "class_grade", "school_id",
                      "municipality_id"])
    answers = pd.DataFrame(session.execute(
        select(Answer.response_id, Answer.item_code, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.wave_id == wave.id, Response.status == "submitted")
    ).all(), columns=["rid", "item", "value"])
    wide = answers.pivot(index="rid", columns="item", values="value")
    frame = meta.set_index("rid").join(wide, how="left")
    district_codes = {str(d.id): d.code for d in session.scalars(select(District))}
    district_codes[DONT_KNOW] = DONT_KNOW
    for item in questionnaire.items:
        if item.code not in frame.columns:
            frame[item.code] = pd.NA
        if item.type == "wave_list":
            if item.role == "district":
                frame["district_id"] = pd.to_numeric(
                    frame[item.code].where(frame[item.code] != DONT_KNOW),
                    errors="coerce").astype("Int64")
            frame[item.code] = frame[item.code].map(district_codes)
        elif item.type == "text":
            if not include_text:
                frame = frame.drop(columns=item.code)
        else:
            frame[item.code] = pd.to_numeric(frame[item.code]).astype("Int64")
    return _arrange(frame, wave, questionnaire, keys)


def _arrange(frame: pd.DataFrame, wave: Wave, questionnaire: Questionnaire,
             keys: bool = False) -> pd.DataFrame:
    """Fixed columns first (filled from role items), shuffled, numbered 1..n."""
    out = pd.DataFrame(index=frame.index)
    out["wave"] = wave.name
    out["school"] = frame["school"]
    out["class"] = frame["class"]
    for role in ("district", "grade", "gender"):
        item = questionnaire.item_by_role(role)
        out[role] = frame[item.code] if item is not None and item.code in frame else pd.NA
    out["grade"] = out["grade"].fillna(frame["class_grade"]).astype("Int64")
    out["language"] = frame["language"]
    if keys:
        for column in KEY_COLUMNS:
            out[column] = (frame[column] if column in frame else pd.NA)
        out[list(KEY_COLUMNS)] = out[list(KEY_COLUMNS)].astype("Int64")
    items = [i.code for i in questionnaire.items
             if i.code in frame.columns and i.code not in FIXED_COLUMNS]
    out = pd.concat([out, frame[items]], axis=1)
    order = sorted(range(len(out)), key=lambda _: secrets.randbits(32))
    out = out.iloc[order].reset_index(drop=True)
    out.insert(0, "response_id", range(1, len(out) + 1))
    return out
