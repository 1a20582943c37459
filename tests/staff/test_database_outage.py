"""While the database is down or busy, everyone gets a clear "try again" page, and nothing leaks.

A PostgreSQL restart, a failover or "too many clients" on a survey morning must not
show pupils a server error, and a failed statement must not write a pupil's typed
answers into the server's error log (docs/data-protection.md: logs hold no answers).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from survey_app.extensions import db
from tests.pupil.helpers import Pupil, answers_of, hidden_fields
from tests.staff.conftest import login

TYPED = "Ich heiße Mia Muster"


@contextmanager
def database_down(app):
    """Every new connection is refused, as while PostgreSQL restarts; open ones are closed."""
    with app.app_context():
        engine = db.engine

    def refuse(dialect, _record, _cargs, _cparams):
        raise dialect.loaded_dbapi.OperationalError("connection refused (test)")

    event.listen(engine, "do_connect", refuse)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)


def test_a_pupil_whose_save_meets_a_database_outage_is_asked_to_try_again(app, world, caplog):
    pupil = Pupil(app.test_client())
    pupil.begin(world.codes_a[0])
    pupil.post(1, {"grade": "6", "gender": "1"})
    form = hidden_fields(pupil.client.get("/survey/page/2").text)
    with database_down(app):
        caplog.set_level(logging.ERROR)
        failed = pupil.client.post("/survey/page/2", data={
            **form, "action": "next", "q_club": "1", "q_club_name": TYPED})
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "10"
    assert "kurz nicht erreichbar" in failed.text and "Noch einmal versuchen" in failed.text and 'href="/survey"' in failed.text
    assert "Traceback" not in failed.text and "connection refused" not in failed.text
    assert "database unavailable: OperationalError" in caplog.text and TYPED not in caplog.text
    with app.app_context():
        stored = answers_of()
    assert [answers.get("club_name") for answers in stored.values()].count(TYPED) == 0
    # The database is back: "try again" leads to the page whose save failed, and it saves.
    again = pupil.client.get("/survey", follow_redirects=True)
    assert again.status_code == 200 and again.request.path == "/survey/page/2"
    pupil.post(2, {"club": "1", "club_name": TYPED})
    with app.app_context():
        assert [answers.get("club_name") for answers in answers_of().values()].count(TYPED) == 1


@pytest.mark.parametrize("path", ["/admin/", "/planner/", "/school/"])
def test_staff_pages_during_an_outage_are_a_clear_503_not_the_bare_server_error(app, world, path):
    client = app.test_client()
    login(client, world.emails["admin"])
    assert client.get(path).status_code == 200
    with database_down(app):
        page = client.get(path)
    assert page.status_code == 503 and page.headers["Retry-After"] == "10"
    assert "briefly unavailable" in page.text and "Internal Server Error" not in page.text
    assert client.get(path).status_code == 200  # back without a restart of the server


def test_a_failed_statement_does_not_log_what_the_pupil_typed(app, world, caplog, backend):
    """Any database error logs its statement: never with the pupil's values in it."""
    with app.app_context(), db.engine.begin() as connection:
        if backend == "sqlite":
            connection.execute(text(
                "CREATE TRIGGER refuse_mia BEFORE INSERT ON answer WHEN NEW.value LIKE '%Mia%' "
                "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"))
        else:
            connection.execute(text(
                "CREATE FUNCTION refuse_mia() RETURNS trigger AS $$ BEGIN "
                "IF NEW.value LIKE '%Mia%' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"))
            connection.execute(text(
                "CREATE TRIGGER refuse_mia BEFORE INSERT ON answer "
                "FOR EACH ROW EXECUTE FUNCTION refuse_mia()"))
    try:
        pupil = Pupil(app.test_client())
        pupil.begin(world.codes_a[0])
        pupil.post(1, {"grade": "6", "gender": "1"})
        caplog.set_level(logging.ERROR)
        failed = pupil.post(2, {"club": "1", "club_name": TYPED}, follow=False)
        assert failed.status_code in (500, 503) and "Traceback" not in failed.text
        assert "refused by test trigger" in caplog.text  # the error is logged ...
        assert TYPED not in caplog.text and "Mia" not in caplog.text  # ... without the values
    finally:
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER refuse_mia" if backend == "sqlite"
                                    else "DROP TRIGGER refuse_mia ON answer"))
            if backend != "sqlite":
                connection.execute(text("DROP FUNCTION refuse_mia()"))
