"""A submitted response keeps its answers as one text for the results (issue 10).

The pupil flow's part is in ``tests/pupil/test_flow.py``; the frame read from
the texts equals the one read from the rows in ``test_frames_fast.py``. Here:
what is joined and what is not, and the migration that fills the text in for
responses submitted before it existed.
"""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Answer, Response
from survey_app.services.submitted_answers import RECORD, UNIT, fill_missing, join_answers
from tests.conftest import make_app
from tests.databases import fresh_database_url
from tests.factories import small_city
from tests.pupil.helpers import Pupil, answers_of


def test_answers_are_joined_in_item_order_and_only_when_unambiguous():
    assert join_answers({"b": "2", "a": "Schwimmverein Süd"}) == \
        f"a{UNIT}Schwimmverein Süd{RECORD}b{UNIT}2"
    assert join_answers({}) is None  # nothing answered: nothing to keep
    assert join_answers({"a": f"x{RECORD}y"}) is None
    assert join_answers({"a": f"x{UNIT}y"}) is None
    assert join_answers({f"a{UNIT}": "1"}) is None


def test_the_upgrade_fills_in_responses_submitted_before_and_the_downgrade_keeps_the_rows(
        backend, request, tmp_path):
    app = make_app(fresh_database_url(backend, request, tmp_path), tmp_path / "instance")
    with app.app_context():
        upgrade()
        city = small_city(codes=3)
    for code, answers in zip(city.codes, ({"grade": "5"}, {"grade": "6", "happy_1": "2"})):
        pupil = Pupil(app.test_client())
        pupil.begin(code)
        pupil.post(1, {"grade": answers["grade"]})
        pupil.post(2, {k: v for k, v in answers.items() if k != "grade"}, action="submit")
    Pupil(app.test_client()).begin(city.codes[2])  # started, not sent
    with app.app_context():
        rows = answers_of()
        kept = dict(db.session.execute(select(Response.id, Response.submitted_answers)).all())
        assert kept == {1: join_answers(rows[1]), 2: join_answers(rows[2]), 3: None}
        db.session.remove()  # no open transaction holds a lock the migrations need
        downgrade(revision="reports9_0001")  # the version before the column
        assert answers_of() == rows  # on SQLite the table is copied: no answer goes with it
        db.session.remove()
        upgrade()
        assert dict(db.session.execute(select(Response.id, Response.submitted_answers)).all()) == kept
        with db.engine.begin() as connection:
            assert fill_missing(connection) == 0  # nothing left to fill in: safe to run again
        assert db.session.scalar(select(db.func.count()).select_from(Answer)) == 3
        db.session.remove()
        db.engine.dispose()
