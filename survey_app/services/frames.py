"""Database rows to DataFrames: the one bridge from the app's tables to ``analysis``.

A wave's responses become the wide responses table of design §4
(``response_id, wave, school, class, district, grade, gender, language``, then
one column per item code), exactly what ``wellbeing analyse`` and
``analysis.files.read_responses`` take. Its enrolment (pupils per school and
grade, from the classes' enrolled counts) becomes the table that
``wellbeing analyse --enrolment`` weights to.
"""

from __future__ import annotations

import secrets

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.questionnaire import DONT_KNOW, Questionnaire
from survey_app.models import District, Response, School, SchoolClass, Wave
from survey_app.pupil.navigation import shown_pages
from survey_app.services.answer_columns import answer_columns, numeric_kind
from survey_app.services.answer_rows import plain_rows, read_answers

FIXED_COLUMNS = ("response_id", "wave", "school", "class", "district", "grade", "gender",
                 "language")
#: 1 for a submitted questionnaire, 0 for one that reached the end but was not sent.
SUBMITTED_COLUMN = "submitted"


#: Extra columns of ``responses_frame(..., keys=True)``: database ids for stored results.
KEY_COLUMNS = ("school_id", "municipality_id", "district_id", "response_key")


def responses_frame(session: Session, wave: Wave, questionnaire: Questionnaire,
                    include_text: bool = False,
                    min_progress: float | None = None, keys: bool = False) -> pd.DataFrame:
    """The wave's responses in the wide format, in random row order.

    ``response_id`` is a new number 1..n, not the database id, and rows are
    shuffled, so the file cannot be lined up with access codes or with the
    order in which pupils started. Free-text answers (which may hold names)
    are left out unless ``include_text``. The district answer becomes the
    district's code (or ``dont_know``).

    Submitted questionnaires are always included. With ``min_progress`` (a
    share from 0 to 1), questionnaires that were never submitted are included
    too when the pupil reached at least that share of the pages shown to them
    (1 = reached the last page), and the column ``submitted`` (after
    ``language``) tells them apart: 1 submitted, 0 not.

    With ``keys`` the frame also holds :data:`KEY_COLUMNS` (the school's id and
    municipality, the home district's id or ``<NA>``, the response's database
    id), so that stored results can name their records and a later release
    know which responses an earlier one counted; these never leave the server.
    """
    states = ["submitted"] if min_progress is None else ["submitted", "in_progress"]
    meta = _frame(
        session,
        select(Response.id.label("rid"), Response.language, Response.status,
               Response.furthest_page, School.name.label("school"),
               SchoolClass.name.label("class"), SchoolClass.grade.label("class_grade"),
               School.id.label("school_id"), School.municipality_id)
        .join(SchoolClass, SchoolClass.id == Response.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .where(Response.wave_id == wave.id, Response.status.in_(states)),
        ["rid", "language", "status", "furthest_page", "school", "class", "class_grade",
         "school_id", "municipality_id"])
    answers = read_answers(session, Response.wave_id == wave.id, Response.status.in_(states))
    if min_progress is not None:
        keep = _far_enough(meta, answers.long(), questionnaire, min_progress)
        meta = meta[keep.to_numpy()]
    frame = meta.set_index("rid")
    typed = answer_columns(answers, frame.index.to_numpy(), questionnaire)
    frame = pd.concat([frame, pd.DataFrame(typed, index=frame.index)], axis=1)
    district_codes = {str(d.id): d.code for d in session.scalars(select(District))}
    district_codes[DONT_KNOW] = DONT_KNOW
    for item in questionnaire.items:
        if item.code not in frame.columns:
            frame[item.code] = pd.NA
        elif numeric_kind(item) is not None:
            continue  # typed already
        if item.type == "wave_list":
            if item.role == "district":
                frame["district_id"] = pd.to_numeric(
                    frame[item.code].where(frame[item.code] != DONT_KNOW),
                    errors="coerce").astype("Int64")
            frame[item.code] = frame[item.code].map(district_codes)
        elif item.type == "text":
            if not include_text:
                frame = frame.drop(columns=item.code)
        elif item.type == "number" and item.decimals:
            frame[item.code] = pd.to_numeric(frame[item.code]).astype("Float64")
        else:
            frame[item.code] = pd.to_numeric(frame[item.code]).astype("Int64")
    return _arrange(frame, wave, questionnaire, with_submitted=min_progress is not None,
                    keys=keys)


def _frame(session: Session, statement, columns: list[str]) -> pd.DataFrame:
    """The rows of a plain column query as a DataFrame, fast enough for a county's answers.

    The columns are integers and strings, which need no type processing, so
    the driver's plain tuples are handed to pandas: building a SQLAlchemy
    ``Row`` per answer, and pandas probing each Row's attributes, cost several
    times the query itself (``bench/planner.py --profile``).
    """
    rows = plain_rows(session, statement)
    return pd.DataFrame.from_records(rows, columns=columns) if rows else \
        pd.DataFrame({c: [] for c in columns}, columns=columns)


def progress(questionnaire: Questionnaire, answers: dict[str, str], furthest_page: int) -> float:
    """Share of the pages shown to this pupil that they reached (1.0 = the last page).

    The page a pupil is on counts as reached: ``furthest_page`` counts the
    pages moved past with Next, so a pupil on the last page has
    ``furthest_page`` = number of pages - 1 and progress 1. Pages hidden by
    display conditions (given the pupil's answers) do not count.
    """
    shown = shown_pages(questionnaire, answers)
    if not shown:
        return 0.0
    return sum(1 for number in shown if number <= furthest_page + 1) / len(shown)


def _far_enough(meta: pd.DataFrame, answers: pd.DataFrame, questionnaire: Questionnaire,
                min_progress: float) -> pd.Series:
    """Submitted, or not submitted with at least one answer and enough of the pages reached."""
    by_response = {rid: dict(zip(group["item"], group["value"]))
                   for rid, group in answers.groupby("rid")}
    return pd.Series([
        status == "submitted" or (
            rid in by_response
            and progress(questionnaire, by_response[rid], furthest) >= min_progress - 1e-9)
        for rid, status, furthest in zip(meta["rid"], meta["status"], meta["furthest_page"])
    ], index=meta.index, dtype=bool)


def enrolment_frame(session: Session, wave: Wave) -> pd.DataFrame:
    """Enrolled pupils per school and grade, summed over the wave's classes.

    The columns are ``school, grade, pupils`` (``wellbeing analyse
    --enrolment`` reads them as weighting cells school x grade). Classes
    without an enrolled count are left out: an unknown count is not zero.
    """
    rows = session.execute(
        select(School.name, SchoolClass.grade, func.sum(SchoolClass.enrolled))
        .join(School, School.id == SchoolClass.school_id)
        .where(SchoolClass.wave_id == wave.id, SchoolClass.enrolled.is_not(None))
        .group_by(School.name, SchoolClass.grade)
        .order_by(School.name, SchoolClass.grade)
    ).all()
    frame = pd.DataFrame(rows, columns=["school", "grade", "pupils"])
    return frame.astype({"grade": "int64", "pupils": "int64"})


def _arrange(frame: pd.DataFrame, wave: Wave, questionnaire: Questionnaire,
             with_submitted: bool = False, keys: bool = False) -> pd.DataFrame:
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
    if with_submitted:
        out[SUBMITTED_COLUMN] = (frame["status"] == "submitted").astype("int64")
    if keys:
        for column in KEY_COLUMNS:
            out[column] = (frame[column] if column in frame else pd.NA)
        out["response_key"] = frame.index  # the database id: stable across computations
        out[list(KEY_COLUMNS)] = out[list(KEY_COLUMNS)].astype("Int64")
    items = [i.code for i in questionnaire.items
             if i.code in frame.columns and i.code not in FIXED_COLUMNS]
    out = pd.concat([out, frame[items]], axis=1)
    order = sorted(range(len(out)), key=lambda _: secrets.randbits(32))
    out = out.iloc[order].reset_index(drop=True)
    out.insert(0, "response_id", range(1, len(out) + 1))
    return out
