"""``--wave``/``--school``/``--class``/``--municipality``: a name, or an id the database can hold.

A value is an id only when it is ASCII digits within the id column's range;
anything else (``'²'``, for which ``str.isdigit`` is true, or a number too
large for the database) is looked up by name and, matching nothing, gives
"no single ... named ..." and changes nothing, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.cli import main
from survey_app.demo.seed import ensure_demo_city
from survey_app.extensions import db
from survey_app.models import AccessCode, School, StaffUser

HUGE = "99999999999999999999999"


def wellbeing(app, *args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input,
                              obj=ScriptInfo(create_app=lambda: app))


@pytest.fixture
def city(app):
    with app.app_context():
        city = ensure_demo_city(db.session, load(SHIPPED))
        db.session.commit()
        school = city.first_class.school
        return {"wave": city.wave.name, "school": school.name, "school_id": str(school.id),
                "class": city.first_class.name}


def codes(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AccessCode))


@pytest.mark.parametrize("option, value, label", [
    ("--school", HUGE, "school"), ("--school", "²", "school"), ("--wave", "²", "wave"),
    ("--wave", HUGE, "wave"), ("--class", "2" * 19, "class"), ("--school", "١٢", "school"),
])
def test_codes_generate_refuses_a_value_that_is_no_id_nor_name(app, city, option, value, label):
    before = codes(app)
    refs = {"--wave": city["wave"], "--school": city["school"], "--class": city["class"],
            option: value}
    result = wellbeing(app, "codes", "generate", *(x for pair in refs.items() for x in pair),
                       "--count", "1")
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert f"no single {label} named {value!r}" in result.output
    assert option in result.output
    assert codes(app) == before


def test_codes_generate_still_takes_an_id(app, city):
    before = codes(app)
    result = wellbeing(app, "codes", "generate", "--wave", city["wave"], "--school",
                       city["school_id"], "--class", city["class"], "--count", "2")
    assert result.exit_code == 0, result.output
    assert codes(app) == before + 2


@pytest.mark.parametrize("option, value, label", [
    ("--school", HUGE, "school"), ("--school", "²", "school"),
    ("--municipality", HUGE, "municipality"), ("--municipality", "³", "municipality"),
])
def test_users_create_refuses_a_value_that_is_no_id_nor_name(app, city, option, value, label):
    result = wellbeing(app, "users", "create", "--role", "coordinator", "--email",
                       "new@example.org", option, value, input="ein langer satz\n")
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert f"no single {label} named {value!r}" in result.output
    with app.app_context():
        assert db.session.scalar(select(StaffUser).where(
            StaffUser.email == "new@example.org")) is None


def test_id_value_is_ascii_digits_within_the_column_range():
    from survey_app.cli._lookup import id_value

    assert id_value(School.id, "2147483647") == 2147483647
    assert id_value(School.id, "2147483648") is None
    assert id_value(School.id, "²") is None
    assert id_value(School.id, "-1") is None
    assert id_value(School.id, " 1") is None
