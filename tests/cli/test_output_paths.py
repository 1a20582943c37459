"""Every command that writes says clearly when it cannot, and then changes nothing.

File-writing commands (``export``, ``score``, ``analyse``, ``codes generate
--pdf``) need an existing folder; folder-writing ones (``report``,
``simulate``) create the folder they are given, not its parents. A missing
folder, a folder given as the file, a file given as the folder, missing
permission or a failing write all end with ``Error: cannot write PATH: ...``
and no traceback.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.cli import main
from survey_app.demo.seed import ensure_demo_city
from survey_app.extensions import db
from survey_app.models import AccessCode

SMALL = str(Path(__file__).parents[1] / "questionnaire" / "files" / "small.yaml")


def wellbeing(*args, app=None):
    extra = {"obj": ScriptInfo(create_app=lambda: app)} if app is not None else {}
    return CliRunner().invoke(main, [str(a) for a in args], **extra)


def assert_clean(result, *parts, code=1):
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    for part in parts:
        assert part in result.output, result.output


def bad_places(tmp_path) -> dict[str, tuple[Path, str]]:
    """Output paths that cannot be written, with the reason the message gives."""
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("x")
    return {
        "missing folder": (tmp_path / "nonexist2" / "e.csv", "does not exist"),
        "file as folder": (a_file / "e.csv", "is not a folder"),
    }


@pytest.fixture
def wave(app):
    with app.app_context():
        name = ensure_demo_city(db.session, load(SHIPPED)).wave.name
        db.session.commit()
    return name


@pytest.mark.parametrize("command", ["responses", "enrolment"])
@pytest.mark.parametrize("place", ["missing folder", "file as folder"])
def test_export_to_a_place_that_cannot_be_written(app, wave, tmp_path, command, place):
    out, reason = bad_places(tmp_path)[place]
    result = wellbeing("export", command, "--wave", wave, "--out", out, app=app)
    assert_clean(result, f"Error: cannot write {out}: ", reason)
    assert not out.parent.exists() or not out.exists()


def test_export_to_a_folder_is_refused_by_click(app, wave, tmp_path):
    result = wellbeing("export", "responses", "--wave", wave, "--out", tmp_path, app=app)
    assert_clean(result, "is a directory", code=2)


def test_export_failing_while_writing_gives_a_clean_error(app, wave, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("analysis.files.write_table", full)
    out = tmp_path / "e.csv"
    result = wellbeing("export", "enrolment", "--wave", wave, "--out", out, app=app)
    assert_clean(result, f"Error: cannot write {out}: No space left on device")


def test_no_permission_is_named(app, wave, tmp_path, monkeypatch):
    # os.access stands in for a read-only folder: the tests may run as root
    monkeypatch.setattr("survey_app.cli._output.os.access", lambda *a: False)
    out = tmp_path / "e.csv"
    result = wellbeing("export", "responses", "--wave", wave, "--out", out, app=app)
    assert_clean(result, f"cannot write {out}: no permission to write in the folder")
    assert not out.exists()


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf"])
def test_export_refuses_a_min_progress_that_is_not_a_finite_number(app, wave, tmp_path, value):
    out = tmp_path / "e.csv"
    result = wellbeing("export", "responses", "--wave", wave, "--min-progress", value,
                       "--out", out, app=app)
    assert_clean(result, "Invalid value for '--min-progress'", code=2)
    assert not out.exists()


def test_codes_pdf_in_a_missing_folder_stores_no_codes(app, wave, tmp_path):
    with app.app_context():
        city = ensure_demo_city(db.session, load(SHIPPED))
        school, name = city.first_class.school.name, city.first_class.name
        before = db.session.scalar(select(func.count()).select_from(AccessCode))
    pdf = tmp_path / "missing" / "5a.pdf"
    result = wellbeing("codes", "generate", "--wave", wave, "--school", school, "--class", name,
                       "--count", 2, "--pdf", pdf, app=app)
    assert_clean(result, f"Error: cannot write {pdf}: the folder")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AccessCode)) == before


def test_report_refuses_a_folder_whose_parent_is_missing(app, wave, tmp_path):
    out = tmp_path / "missing" / "reports"
    result = wellbeing("report", "--wave", wave, "--out", out, app=app)
    assert_clean(result, f"Error: cannot write into {out}: cannot create it: the folder")
    assert not out.parent.exists()


def test_report_with_a_mistyped_wave_creates_no_folder(app, tmp_path):
    out = tmp_path / "reports"
    result = wellbeing("report", "--wave", "Gibt es nicht", "--out", out, app=app)
    assert_clean(result, "no wave named")
    assert not out.exists()


@pytest.fixture(scope="module")
def responses(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    result = wellbeing("simulate", "--pupils", 200, "--districts", 3, "--schools", 4,
                       "--questionnaire", SMALL, "--out", out)
    assert result.exit_code == 0, result.output
    return out / "responses.csv"


@pytest.mark.parametrize("command", ["score", "analyse"])
@pytest.mark.parametrize("place", ["missing folder", "file as folder"])
def test_score_and_analyse_to_a_place_that_cannot_be_written(responses, tmp_path, command,
                                                             place):
    out, reason = bad_places(tmp_path)[place]
    result = wellbeing(command, "--questionnaire", SMALL, "--responses", responses, "--out", out)
    assert_clean(result, f"Error: cannot write {out}: ", reason)


@pytest.mark.parametrize("command", ["score", "analyse"])
def test_score_and_analyse_failing_while_writing(responses, tmp_path, monkeypatch, command):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("analysis.files.exporting.write_table", full)
    out = tmp_path / "out.sav"
    result = wellbeing(command, "--questionnaire", SMALL, "--responses", responses, "--out", out)
    assert_clean(result, f"Error: cannot write {out}: No space left on device")


@pytest.mark.parametrize("place", ["missing parent", "file as folder"])
def test_simulate_into_a_folder_that_cannot_be_made(tmp_path, place):
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("x")
    out = {"missing parent": tmp_path / "nonexist" / "city",
           "file as folder": a_file / "city"}[place]
    result = wellbeing("simulate", "--pupils", 10, "--districts", 2, "--out", out)
    assert_clean(result, f"Error: cannot write into {out}: cannot create it")
    assert not (tmp_path / "nonexist").exists()


def test_simulate_creates_the_folder_it_is_given(tmp_path):
    result = wellbeing("simulate", "--pupils", 10, "--districts", 2, "--out", tmp_path / "new")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "responses.csv").is_file()
