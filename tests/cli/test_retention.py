"""``wellbeing retention``: a closed, archived wave's raw answers go, its counts stay (issue 12)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.cli import main
from survey_app.demo.responses import ensure_demo_responses
from survey_app.demo.seed import ensure_demo_city
from survey_app.extensions import db
from survey_app.models import AccessCode, Answer, AuditEvent, Response, SchoolClass, Wave
from survey_app.services.errors import InvalidInput
from survey_app.services.monitoring import class_rows
from survey_app.services.wave_states import set_wave_state


def wellbeing(app, *args: str):
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def answered_wave(app) -> str:
    """The demo city's wave with its simulated submitted responses, plus one unfinished."""
    questionnaire = load(SHIPPED)
    with app.app_context():
        city = ensure_demo_city(db.session, questionnaire)
        ensure_demo_responses(db.session, city.wave, questionnaire, city.first_class)
        db.session.commit()
        unfinished = db.session.scalar(select(Response).order_by(Response.id.desc()))
        unfinished.status, unfinished.submitted_on = "in_progress", None
        db.session.scalar(select(AccessCode).where(
            AccessCode.id == unfinished.access_code_id)).state = "started"
        db.session.commit()
        return city.wave.name


def close(app, name: str) -> None:
    with app.app_context():
        db.session.scalar(select(Wave).where(Wave.name == name)).state = "closed"
        db.session.commit()


def counts(app) -> dict:
    with app.app_context():
        wave = db.session.scalar(select(Wave))
        return {"responses": db.session.scalar(select(func.count()).select_from(Response)),
                "answers": db.session.scalar(select(func.count()).select_from(Answer)),
                "classes": db.session.scalar(select(func.count()).select_from(SchoolClass)),
                "rates": [(r.class_id, r.enrolled, r.issued, r.started, r.submitted, r.void)
                          for r in class_rows(db.session, wave.id)]}


def export(app, name: str, path) -> None:
    result = wellbeing(app, "export", "responses", "--wave", name, "--out", str(path))
    assert result.exit_code == 0, result.output


def test_closed_archived_wave_loses_its_answers_and_keeps_its_counts(app, tmp_path):
    name = answered_wave(app)
    close(app, name)
    archive = tmp_path / "archive.csv"
    export(app, name, archive)
    before = counts(app)
    assert before["responses"] > 100 and before["answers"] > 1000

    result = wellbeing(app, "retention", "--wave", name, "--archive", str(archive), "--yes")
    assert result.exit_code == 0, result.output
    assert f"deleted {before['responses']} responses with {before['answers']} answers" \
        in result.output
    after = counts(app)
    assert after["responses"] == 0 and after["answers"] == 0  # the unfinished one too
    assert after["classes"] == before["classes"]
    assert after["rates"] == before["rates"]  # the response-rate history is intact
    assert any(row[4] for row in after["rates"])
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "wave.retention"))
        details = json.loads(event.details)
        assert event.user_id is None and event.target_type == "Wave"
        assert details["responses_deleted"] == before["responses"]
        assert details["answers_deleted"] == before["answers"]
        assert len(details["archive_sha256"]) == 64

    again = wellbeing(app, "retention", "--wave", name, "--archive", str(archive), "--yes")
    assert again.exit_code != 0 and "nothing deleted" in again.output  # archive no longer matches


def test_a_wave_whose_answers_were_deleted_cannot_be_reopened(app, tmp_path):
    """Codes in use would let pupils start again on an empty response: refuse, change nothing."""
    name = answered_wave(app)
    close(app, name)
    archive = tmp_path / "archive.csv"
    export(app, name, archive)
    assert wellbeing(app, "retention", "--wave", name, "--archive", str(archive),
                     "--yes").exit_code == 0
    with app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.name == name))
        dates = (wave.state, wave.opens_on, wave.closes_on)
        with pytest.raises(InvalidInput, match="cannot be reopened"):
            set_wave_state(db.session, None, wave.id, "open",
                           closes_on=dt.date.today() + dt.timedelta(days=7))
        db.session.rollback()
        wave = db.session.scalar(select(Wave).where(Wave.name == name))
        assert (wave.state, wave.opens_on, wave.closes_on) == dates


def test_refused_while_the_wave_is_open(app, tmp_path):
    name = answered_wave(app)
    archive = tmp_path / "archive.csv"
    export(app, name, archive)
    before = counts(app)
    result = wellbeing(app, "retention", "--wave", name, "--archive", str(archive), "--yes")
    assert result.exit_code != 0
    assert "nothing deleted" in result.output and "is open" in result.output
    assert counts(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "wave.retention")) == 0


def test_refused_when_the_archive_is_incomplete_or_not_an_export(app, tmp_path):
    name = answered_wave(app)
    close(app, name)
    archive = tmp_path / "archive.csv"
    export(app, name, archive)
    lines = archive.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    status = header.index("submitted")
    rows = [line.rstrip("\n").split(",") for line in lines[1:]]
    sent = [i for i, cells in enumerate(rows, start=1) if cells[status] == "1"]
    unsent = [i for i, cells in enumerate(rows, start=1) if cells[status] == "0"]
    assert len(unsent) == 1 and len(sent) > 100  # the unfinished one reached the last page

    def without(index: int, name: str):
        path = tmp_path / name
        path.write_text("".join(line for i, line in enumerate(lines) if i != index),
                        encoding="utf-8")
        return path

    short = without(sent[-1], "short.csv")  # one submitted response missing
    no_unsent = without(unsent[0], "no_unsent.csv")  # its unfinished questionnaire missing
    cells = rows[sent[0] - 1]
    blank = next(i for i, column in enumerate(header) if column.startswith("ls_") and cells[i])
    cells[blank] = ""  # one answer of a submitted response missing
    changed = tmp_path / "changed.csv"
    changed.write_text("".join(",".join(cells) + "\n" if i == sent[0] else line
                               for i, line in enumerate(lines)), encoding="utf-8")
    garbage = tmp_path / "notes.csv"
    garbage.write_text("hello,world\n1,2\n", encoding="utf-8")
    before = counts(app)
    for bad, reason in ((short, "responses, the database"), (changed, "answers to"),
                        (no_unsent, "reached the last page"),
                        (garbage, "not a readable responses export")):
        result = wellbeing(app, "retention", "--wave", name, "--archive", str(bad), "--yes")
        assert result.exit_code != 0 and "nothing deleted" in result.output, result.output
        assert reason in result.output, result.output
    assert counts(app) == before


def test_unknown_wave_and_missing_confirmation_change_nothing(app, tmp_path):
    name = answered_wave(app)
    close(app, name)
    archive = tmp_path / "archive.csv"
    export(app, name, archive)
    before = counts(app)
    unknown = wellbeing(app, "retention", "--wave", "Nowhere 1999", "--archive", str(archive),
                        "--yes")
    assert unknown.exit_code != 0 and "no wave named" in unknown.output
    declined = CliRunner().invoke(main, ["retention", "--wave", name, "--archive", str(archive)],
                                  obj=ScriptInfo(create_app=lambda: app), input="n\n")
    assert declined.exit_code != 0
    assert counts(app) == before
