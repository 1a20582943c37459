"""The wide responses frame is built without a pivot (issue 10): the same frame as before.

``_pivoted`` below is the builder it replaced (a pivot of the answer rows and a
``to_numeric`` per item), kept here as the reference: every column, dtype and
missing value of :func:`responses_frame` must equal it, for the demo wave plus
answers the demo lacks (decimals, "don't know", an unknown district, free text,
an item no pupil answered, a response without answers, an answer of an item
the questionnaire does not have).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy import text as sa_text
from sqlalchemy.exc import OperationalError, ProgrammingError

from analysis.questionnaire import DONT_KNOW, load
from questionnaires import SHIPPED
from survey_app.demo.responses import ensure_demo_responses
from survey_app.demo.seed import ensure_demo_city
from survey_app.extensions import db
from survey_app.models import Answer, District, Response, School, SchoolClass
from survey_app.services import answer_rows, frames
from survey_app.services.answer_columns import answer_columns
from survey_app.services.answer_rows import RECORD, UNIT, Answers
from survey_app.services.frames import responses_frame
from survey_app.services.submitted_answers import fill_missing, join_answers


def _pivoted(session, wave, questionnaire, include_text=False, min_progress=None, keys=False):
    """The frame as the pivot-based builder made it before (the reference)."""
    states = ["submitted"] if min_progress is None else ["submitted", "in_progress"]
    meta = frames._frame(
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
    answers = frames._frame(session, select(Answer.response_id, Answer.item_code, Answer.value)
                            .join(Response, Response.id == Answer.response_id)
                            .where(Response.wave_id == wave.id, Response.status.in_(states)),
                            ["rid", "item", "value"])
    if min_progress is not None:
        keep = frames._far_enough(meta, answers, questionnaire, min_progress)
        meta = meta[keep.to_numpy()]
        answers = answers[answers["rid"].isin(meta["rid"])]
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
        elif item.type == "number" and item.decimals:
            frame[item.code] = pd.to_numeric(frame[item.code]).astype("Float64")
        else:
            frame[item.code] = pd.to_numeric(frame[item.code]).astype("Int64")
    return frames._arrange(frame, wave, questionnaire, with_submitted=min_progress is not None,
                           keys=keys)


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in database order (the builders shuffle them), numbered anew."""
    return frame.sort_values("response_key").drop(columns="response_id").reset_index(drop=True)


@pytest.fixture(params=["kept", "rows"])
def wave(app, request):
    """The demo wave plus answers it lacks; yields (wave, questionnaire) in an app context.

    ``kept``: the submitted responses keep their answers as one text, as
    ``submit`` stores them (filled in again after the edits below, which go
    around it); ``rows``: none do (a database from before the column), so
    every answer is read from the answer rows.
    """
    questionnaire = load(SHIPPED)
    with app.app_context():
        city = ensure_demo_city(db.session, questionnaire)
        ensure_demo_responses(db.session, city.wave, questionnaire, city.first_class)
        db.session.commit()
        ids = list(db.session.scalars(select(Response.id).where(
            Response.wave_id == city.wave.id, Response.status == "submitted")
            .order_by(Response.id)))
        district = questionnaire.item_by_role("district").code
        db.session.execute(delete(Answer).where(Answer.response_id == ids[0]))  # none at all
        db.session.execute(delete(Answer).where(Answer.item_code == "sleep_hours"))
        db.session.execute(delete(Answer).where(Answer.item_code == district))
        db.session.execute(delete(Answer).where(Answer.item_code == "wish_district"))
        extra = [(ids[1], "sleep_hours", "8.5"), (ids[2], "sleep_hours", "9"),
                 (ids[3], "sleep_hours", "10.25"), (ids[1], district, DONT_KNOW),
                 (ids[2], district, "999999"),  # a district that is no longer there
                 (ids[3], district, str(db.session.scalar(select(District.id)))),
                 (ids[1], "wish_district", "ein Park"), (ids[4], "not_an_item", "x")]
        db.session.add_all(Answer(response_id=r, item_code=c, value=v) for r, c, v in extra)
        in_progress = db.session.get(Response, ids[5])
        in_progress.status, in_progress.submitted_on = "in_progress", None
        db.session.execute(update(Response).values(submitted_answers=None))
        if request.param == "kept":
            assert fill_missing(db.session.connection()) == len(ids) - 2  # no answers; unsent
        db.session.commit()
        yield city.wave, questionnaire


@pytest.mark.parametrize("options", [dict(keys=True), dict(keys=True, include_text=True),
                                     dict(keys=True, min_progress=0.0),
                                     dict(keys=True, min_progress=1.0)])
def test_the_frame_is_the_pivoted_one(wave, options):
    wave, questionnaire = wave
    new = responses_frame(db.session, wave, questionnaire, **options)
    old = _pivoted(db.session, wave, questionnaire, **options)
    pd.testing.assert_frame_equal(_comparable(new), _comparable(old))
    assert new["sleep_hours"].dtype == "Float64" and new["sleep_hours"].notna().sum() == 3
    assert (new["district"] == DONT_KNOW).sum() == 1


def test_a_frame_without_answers_or_responses(wave):
    wave, questionnaire = wave
    db.session.execute(delete(Answer))
    db.session.execute(update(Response).values(submitted_answers=None))  # as they go together
    db.session.commit()
    pd.testing.assert_frame_equal(
        _comparable(responses_frame(db.session, wave, questionnaire, keys=True)),
        _comparable(_pivoted(db.session, wave, questionnaire, keys=True)))
    db.session.execute(delete(Response))
    db.session.commit()
    assert responses_frame(db.session, wave, questionnaire, keys=True).empty


def test_answers_holding_the_separators_are_read_row_by_row(wave):
    """A free text with the separators the database joins answers with: read row by row."""
    wave, questionnaire = wave
    first = db.session.scalar(select(Response.id).where(Response.status == "submitted")
                              .order_by(Response.id.desc()))
    db.session.add(Answer(response_id=first, item_code="wish_district",
                          value=f"a{RECORD}b{UNIT}c"))
    db.session.execute(update(Response).where(Response.id == first)
                       .values(submitted_answers=None))
    assert join_answers({"wish_district": f"a{RECORD}b{UNIT}c"}) is None  # what submit keeps
    db.session.commit()
    new = responses_frame(db.session, wave, questionnaire, keys=True, include_text=True)
    old = _pivoted(db.session, wave, questionnaire, keys=True, include_text=True)
    pd.testing.assert_frame_equal(_comparable(new), _comparable(old))
    assert (new["wish_district"] == f"a{RECORD}b{UNIT}c").sum() == 1


@pytest.mark.parametrize("batch", [1, 7, 100000])
def test_the_frame_is_the_same_read_in_any_number_of_batches(wave, monkeypatch, batch):
    """Responses are fetched in batches by a second thread and numbered across batches."""
    wave, questionnaire = wave
    monkeypatch.setattr(answer_rows, "_BATCH", batch)
    new = responses_frame(db.session, wave, questionnaire, keys=True, include_text=True)
    old = _pivoted(db.session, wave, questionnaire, keys=True, include_text=True)
    pd.testing.assert_frame_equal(_comparable(new), _comparable(old))


def test_an_error_of_the_fetching_thread_reaches_the_caller(wave, monkeypatch):
    """A failing query in the fetching thread is raised where the answers are read, and the
    session can be used afterwards (nothing hangs on the thread)."""
    wave, questionnaire = wave
    monkeypatch.setattr(answer_rows, "_batch_statements",
                        lambda session, conditions: [select(sa_text("no_such_column"))])
    with pytest.raises((OperationalError, ProgrammingError)):  # SQLite, PostgreSQL
        responses_frame(db.session, wave, questionnaire, keys=True)
    db.session.rollback()
    assert db.session.scalar(select(Response.id).limit(1)) is not None


def _answers(rows):
    rids, items, values = zip(*rows)
    return Answers(np.array(rids), *pd.factorize(np.array(items, dtype=object)),
                   *pd.factorize(np.array(values, dtype=object)))


def test_answers_that_are_not_numbers_are_refused_as_before(wave):
    wave, questionnaire = wave
    answers = _answers([(1, "sleep_hours", "8.5"), (2, "sleep_hours", "acht"), (1, "grade", "5")])
    with pytest.raises(ValueError, match="acht"):
        answer_columns(answers, np.array([1, 2]), questionnaire)
    with pytest.raises(TypeError):  # a whole-number item: 5.5 cannot become Int64
        answer_columns(_answers([(1, "grade", "5.5")]), np.array([1]), questionnaire)
