"""A pupil who started before a wave or class closed, or before their code was voided
(issue 12, findings 1 and 2): every later save and submit is refused, with a clear
page, and nothing is written."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text

from survey_app.extensions import db
from survey_app.models import AccessCode, Response, SchoolClass, Wave
from survey_app.services.codes import set_class_state, void_code
from survey_app.services.wave_states import set_wave_state
from tests.pupil.helpers import address, all_rows, answers_of, hidden_fields

PAGE_1 = {"grade": "6", "gender": "99", "district": "dont_know"}
PAGE_2 = {"happy_1": "1", "happy_2": "4", "happy_3": "99", "sad_1": "2", "sad_2": "3",
          "club": "0"}


def close_wave(app, city):
    with app.app_context():
        set_wave_state(db.session, None, city.wave_id, "closed")
        db.session.commit()


def close_class(app, city):
    with app.app_context():
        set_class_state(db.session, None, city.class_id, "closed")
        db.session.commit()


def void(app, city):
    with app.app_context():
        void_code(db.session, None, city.class_id, city.codes[0])
        db.session.commit()


def snapshot(app):
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        code = db.session.get(AccessCode, response.access_code_id)
        return (answers_of(), all_rows(), response.status, response.submitted_on,
                response.furthest_page, code.state)


@pytest.mark.parametrize("change,reason", [(close_wave, "nicht geöffnet"),
                                           (close_class, "nicht geöffnet"),
                                           (void, "nicht mehr gültig")])
@pytest.mark.parametrize("action", ["submit", "save"])
def test_after_closing_or_voiding_nothing_is_saved_or_submitted(app, city, pupil, change,
                                                                reason, action):
    pupil.begin(city.codes[0])
    pupil.post(1, PAGE_1)
    change(app, city)
    before = snapshot(app)
    refused = pupil.post(2, PAGE_2, action=action, follow=False)
    assert refused.status_code == 403
    assert reason in refused.text and "Die Befragung ist geschlossen" in refused.text
    assert "Traceback" not in refused.text
    after = snapshot(app)
    assert after == before
    assert after[2] == "in_progress" and after[5] == ("void" if change is void else "started")
    assert pupil.client.get("/survey/page/2").headers["Location"] == "/"  # session ended


def test_a_voided_code_stays_void_and_cannot_start_again(app, city, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, PAGE_1)
    void(app, city)
    pupil.post(2, PAGE_2, action="submit")
    again = pupil.start(city.codes[0])
    assert "nicht mehr gültig" in again.text
    with app.app_context():
        assert db.session.scalars(select(AccessCode.state)).all().count("void") == 1
        assert db.session.scalars(select(Response.status)).one() == "in_progress"


def test_a_wave_past_its_closing_date_takes_no_more_answers(app, city, pupil):
    import datetime as dt

    pupil.begin(city.codes[0])
    with app.app_context():
        wave = db.session.get(Wave, city.wave_id)
        wave.opens_on = dt.date.today() - dt.timedelta(days=10)
        wave.closes_on = dt.date.today() - dt.timedelta(days=1)
        db.session.commit()
    assert pupil.post(1, PAGE_1, follow=False).status_code == 403
    with app.app_context():
        assert answers_of() == {}


def test_an_open_class_and_wave_still_save_and_submit(app, city, pupil):
    pupil.begin(city.codes[0])
    pupil.post(1, PAGE_1)
    with app.app_context():
        assert db.session.get(SchoolClass, city.class_id).state == "open"
    assert address(pupil.post(2, PAGE_2, action="submit")) == "/survey/thanks"


def page_2_post(pupil, city) -> dict:
    """Start, answer page 1, and return the form data a browser would post for page 2."""
    pupil.begin(city.codes[0])
    pupil.post(1, PAGE_1)
    form = pupil.client.get("/survey/page/2")
    return {**hidden_fields(form.text), "action": "next",
            **{f"q_{code}": value for code, value in PAGE_2.items()}}


def wait_until_blocked_on_answers(connection, seconds: float = 5.0) -> None:
    """Wait until some transaction waits for a lock on the answer table (PostgreSQL)."""
    waiting = text("SELECT count(*) FROM pg_locks WHERE relation = 'answer'::regclass "
                   "AND NOT granted")
    for _ in range(int(seconds / 0.05)):
        if connection.execute(waiting).scalar():
            return
        time.sleep(0.05)


@pytest.mark.parametrize("change", [close_wave, close_class, void])
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_close_does_not_commit_while_a_save_that_passed_the_check_still_writes(app, city, pupil,
                                                                                 change):
    """Found by attacking the production setup (issue 12): a save that passed its check was
    written and acknowledged after a close had committed. On SQLite the save's write lock
    already keeps the close waiting; on PostgreSQL the check share-locks the class and wave."""
    data = page_2_post(pupil, city)
    with app.app_context():
        engine = db.engine
    stall = engine.connect()  # a slow disk, in effect: the save waits after its check
    stall.execute(text("LOCK TABLE answer IN SHARE MODE"))
    saved, closed = {}, threading.Event()
    saver = threading.Thread(target=lambda: saved.update(
        result=pupil.client.post("/survey/page/2", data=data)))
    saver.start()
    try:
        wait_until_blocked_on_answers(stall)
        closer = threading.Thread(target=lambda: (change(app, city), closed.set()))
        closer.start()
        assert not closed.wait(1.0), "the close committed while the save was still writing"
    finally:
        stall.rollback()
        stall.close()
    saver.join(10)
    closer.join(10)
    assert closed.is_set() and saved["result"].status_code == 200  # saved first, then closed
    with app.app_context():
        stored = answers_of()
    assert all(stored[r][code] == value for r in stored for code, value in PAGE_2.items())
    assert pupil.client.post("/survey/page/2", data=data).status_code == 403  # closed now


@pytest.mark.parametrize("table", ["school_class", "wave"])
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_save_during_a_close_waits_for_it_and_is_refused(app, city, pupil, table):
    """The other order: a close is writing when a save comes; the save must not pass on the
    state from before the close (it waits, then reads the closed state)."""
    data = page_2_post(pupil, city)
    row = city.class_id if table == "school_class" else city.wave_id
    with app.app_context():
        engine = db.engine
        before = answers_of()
    closing = engine.connect()
    closing.execute(text(f"UPDATE {table} SET state = 'closed' WHERE id = :id"), {"id": row})
    saved = {}
    saver = threading.Thread(target=lambda: saved.update(
        result=pupil.client.post("/survey/page/2", data=data)))
    saver.start()
    saver.join(1.0)
    try:
        assert saver.is_alive(), "the save did not wait for the close"
    finally:
        closing.commit()
        closing.close()
    saver.join(10)
    assert saved["result"].status_code == 403
    with app.app_context():
        assert answers_of() == before
