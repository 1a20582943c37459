"""Fixtures of the stored-results tests: the demo city with its simulated answers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.demo.responses import ensure_demo_responses
from survey_app.demo.seed import ensure_demo_city
from survey_app.extensions import db
from survey_app.models import StaffUser
from tests.staff.conftest import cheap_password_hashing, password_hash, world  # noqa: F401


@dataclass
class Demo:
    """Ids of the demo city in the test database."""

    wave_id: int
    wave_name: str
    municipality_id: int
    responses: int
    admin_email: str = "admin@example.org"


def make_demo() -> Demo:
    """The demo city, its answers and an admin account; call in an app context."""
    questionnaire = load(SHIPPED)
    city = ensure_demo_city(db.session, questionnaire)
    added = ensure_demo_responses(db.session, city.wave, questionnaire, city.first_class)
    db.session.add(StaffUser(email="admin@example.org", role="admin",
                             password_hash=password_hash()))
    db.session.commit()
    return Demo(city.wave.id, city.wave.name, city.wave.municipality_id, added)


@pytest.fixture
def demo(app) -> Demo:
    """The demo city in the current backend."""
    with app.app_context():
        return make_demo()


def release_demo_results(min_group_size: int = 10) -> int:
    """Compute and release the demo wave's results; returns the result set's id."""
    from sqlalchemy import select

    from survey_app.models import Wave
    from survey_app.services import results

    wave = db.session.scalar(select(Wave).where(Wave.name == "Musterstadt 2026"))
    stored = results.compute_results(db.session, wave, load(SHIPPED),
                                     min_group_size=min_group_size)
    results.release_results(db.session, None, stored)
    db.session.commit()
    return stored.id


def add_planner(email: str, municipality_ids) -> None:
    """A planner account for these municipalities (password: the staff tests' one)."""
    from survey_app.models import Municipality

    db.session.add(StaffUser(email=email, role="planner", password_hash=password_hash(),
                             municipalities=[db.session.get(Municipality, i)
                                             for i in municipality_ids]))
    db.session.commit()
