"""The ``wellbeing`` console script: demo, db upgrade, Flask's own commands (issue 2)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from survey_app import create_app
from survey_app.cli import main
from survey_app.extensions import db
from survey_app.models import AccessCode, Answer, District, Response, SchoolClass, Wave
from tests.staff.conftest import login
from tests.test_pupil_start import start

CODE = re.compile(r"^\s+([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2})$", re.M)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An empty instance folder; the CLI builds its app from the environment."""
    folder = tmp_path / "instance"
    monkeypatch.setenv("WELLBEING_INSTANCE", str(folder))
    for name in ("DATABASE_URL", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return folder


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def test_demo_sets_up_prints_codes_and_keeps_data_on_rerun(instance):
    first = run("demo", "--no-serve")
    assert first.exit_code == 0, first.output
    codes = CODE.findall(first.output)
    assert len(codes) == 5
    assert "http://127.0.0.1:5000/" in first.output
    assert (instance / "wellbeing.sqlite").exists() and (instance / "secret_key").exists()

    app = create_app()
    client = app.test_client()
    page = start(client, codes[0])
    assert re.search(r"Seite 1 von \d+", page.text), page.text[:500]

    admin = re.search(r"admin\s+(\S+@demo\.invalid)\s+password: (\S+)", first.output)
    assert admin, first.output
    staff = app.test_client()
    assert login(staff, admin.group(1), admin.group(2)).status_code == 302
    assert staff.get("/admin/").status_code == 200

    second = run("demo", "--no-serve", "--port", "8080")
    assert second.exit_code == 0, second.output
    assert "http://127.0.0.1:8080/" in second.output
    assert set(CODE.findall(second.output)).isdisjoint(codes)
    with app.app_context():
        # the open wave, and the earlier closed one that the trends compare with
        assert db.session.scalar(select(func.count()).select_from(Wave)) == 2
        assert db.session.scalar(select(func.count()).select_from(District)) == 12
        simulated = int(re.search(r"(\d+) simulated answered surveys", first.output).group(1))
        assert simulated > 300 and "simulated" not in second.output  # added once only
        current = db.session.scalar(select(Wave.id).where(Wave.state == "open"))
        assert db.session.scalar(select(func.count()).select_from(Response).where(
            Response.wave_id == current)) == simulated + 1
        assert db.session.scalar(select(func.count()).select_from(AccessCode).join(SchoolClass)
                                 .where(SchoolClass.wave_id == current)) == simulated + 10
        _assert_simulated_answers_are_valid()
        db.engine.dispose()


def _assert_simulated_answers_are_valid():
    """Every stored demo answer is one the pupil form could have stored."""
    from analysis.questionnaire import DONT_KNOW, load
    from questionnaires import SHIPPED

    questionnaire = load(SHIPPED)
    district_ids = {str(i) for i in db.session.scalars(select(District.id))}
    seen = 0
    for code, value in db.session.execute(select(Answer.item_code, Answer.value)):
        item = questionnaire.item(code)
        if item.type == "wave_list":
            assert value in district_ids | {DONT_KNOW}
        elif item.type == "number":
            assert item.min <= int(value) <= item.max
        elif item.type != "text":
            assert int(value) in questionnaire.answer_scale(item.answer_scale).all_values
        seen += 1
    assert seen > 10_000


def test_db_upgrade_creates_the_schema_on_an_empty_database(instance):
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    app = create_app()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Wave)) == 0
        db.engine.dispose()


def test_console_script_is_installed_and_lists_flask_commands(instance):
    script = Path(sys.executable).with_name("wellbeing")
    assert script.exists(), "install the project (pip install -e .) to get the wellbeing script"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True)
    for command in ("demo", "questionnaire", "run", "routes", "shell", "db"):
        assert re.search(rf"^\s+{command}\b", result.stdout, re.M), result.stdout
