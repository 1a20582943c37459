"""Fixtures of the targeting, trend, region and school-result pages: the demo city with
released results, indicators, and one account per kind of reader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.demo.indicators import ensure_demo_indicators
from survey_app.extensions import db
from survey_app.models import (District, Municipality, Region, ResultEstimate, ResultSet,
                               School, StaffUser, Wave)
from survey_app.services import results
from tests.results.conftest import make_demo
from tests.staff.conftest import cheap_password_hashing, login, password_hash  # noqa: F401

#: Share of children in households on basic income support (per cent), by district number:
#: the demo's built-in pattern makes the later districts more deprived.
INDICATOR = "Kinder in SGB-II-Bedarfsgemeinschaften (Test)"


@dataclass
class Released:
    """Ids of the demo city with released results and the accounts reading them."""

    wave_id: int
    result_set_id: int
    municipality_id: int
    region_id: int
    school_ids: list[int]
    min_group_size: int
    emails: dict[str, str] = field(default_factory=dict)


def add_user(email: str, role: str, **links) -> StaffUser:
    user = StaffUser(email=email, role=role, password_hash=password_hash(), **links)
    db.session.add(user)
    return user


def make_released(min_group_size: int = 10) -> Released:
    """The demo city with its results computed at ``min_group_size`` and released, its
    district indicators; a planner
    of the city, a planner of the region, a planner and a coordinator elsewhere, and the
    coordinator of the first school. Call in an app context."""
    demo = make_demo()
    wave = db.session.get(Wave, demo.wave_id)
    stored = results.compute_results(db.session, wave, load(SHIPPED),
                                     min_group_size=min_group_size)
    results.release_results(db.session, None, stored)
    ensure_demo_indicators(db.session, wave, load(SHIPPED))
    city = db.session.get(Municipality, demo.municipality_id)
    other_region = Region(name="Anderer Kreis")
    elsewhere = Municipality(name="Anderswo", region=other_region)
    other_school = School(name="Schule Anderswo", municipality=elsewhere)
    db.session.add_all([other_region, elsewhere, other_school,
                        District(municipality=elsewhere, code="01", name="Mitte")])
    schools = list(db.session.scalars(select(School).where(School.municipality_id == city.id)
                                      .order_by(School.id)))
    users = {
        "planner": add_user("planner@example.org", "planner", municipalities=[city]),
        "region_planner": add_user("region@example.org", "planner", regions=[city.region]),
        "other_planner": add_user("other@example.org", "planner", municipalities=[elsewhere],
                                  regions=[other_region]),
        "coordinator": add_user("coord@example.org", "coordinator", schools=[schools[0]]),
        "other_coordinator": add_user("coord-other@example.org", "coordinator",
                                      schools=[other_school]),
    }
    db.session.commit()
    return Released(wave.id, stored.id, city.id, city.region_id, [s.id for s in schools],
                    min_group_size, {k: u.email for k, u in users.items()} |
                    {"admin": demo.admin_email})


def indicator_csv(municipality_id: int) -> str:
    """A semicolon CSV (German headers, decimal commas) of one indicator for every district."""
    city = db.session.get(Municipality, municipality_id)
    lines = ["Kommune;Stadtteil;Indikator;Jahr;Wert"]
    for number, district in enumerate(city.districts, start=1):
        lines.append(f"{city.name};{district.name};{INDICATOR};2025;{5 + 2.5 * number:.1f}"
                     .replace(".", ","))
    return "\n".join(lines) + "\n"


def copy_release(result_set_id: int, name: str, opens_on: dt.date, *, questionnaire=None,
                 hide=()) -> ResultSet:
    """Another released wave of the city with the same stored figures, except the groups in
    ``hide`` ((group_key, measure) pairs, or group keys for every measure), stored suppressed
    like the disclosure control stores them. For the trend pages."""
    source = db.session.get(ResultSet, result_set_id)
    old = source.wave
    questionnaire = questionnaire or load(SHIPPED)
    wave = Wave(name=name, questionnaire_id=questionnaire.id,
                questionnaire_version=questionnaire.version,
                questionnaire_hash=questionnaire.content_hash,
                municipality_id=old.municipality_id, grade_min=5, grade_max=10,
                opens_on=opens_on, closes_on=opens_on + dt.timedelta(days=30), state="closed")
    copy = ResultSet(wave=wave, state="released", released_at=dt.datetime.now(dt.timezone.utc),
                     questionnaire_id=questionnaire.id,
                     questionnaire_version=questionnaire.version,
                     questionnaire_hash=questionnaire.content_hash,
                     min_group_size=source.min_group_size, design=source.design,
                     weighting=source.weighting, responses=source.responses)
    db.session.add_all([wave, copy])
    db.session.flush()
    columns = [c.key for c in ResultEstimate.__table__.columns if c.key not in ("id",
                                                                                 "result_set_id")]
    for row in db.session.scalars(select(ResultEstimate).where(
            ResultEstimate.result_set_id == source.id)):
        values = {c: getattr(row, c) for c in columns}
        if row.group_key in hide or (row.group_key, row.measure) in hide:
            values.update({c: None for c in results.NUMBER_COLUMNS}, n=None, suppressed=True,
                          suppression_reason="n<10")
        db.session.add(ResultEstimate(result_set_id=copy.id, **values))
    db.session.commit()
    return copy


def earlier_release(result_set_id: int, name: str = "Musterstadt 2024", shift: float = 0.3,
                    **options) -> ResultSet:
    """A released wave two years before ``result_set_id``'s with every published mean lower by
    ``shift`` (other pupils, other figures), so that profiles show a change."""
    from sqlalchemy import update

    first = db.session.get(ResultSet, result_set_id)
    copy = copy_release(result_set_id, name, first.wave.opens_on - dt.timedelta(days=730),
                        **options)
    db.session.execute(update(ResultEstimate).where(
        ResultEstimate.result_set_id == copy.id, ResultEstimate.statistic == "mean",
        ResultEstimate.suppressed.is_(False)).values(
        estimate=ResultEstimate.estimate - shift, ci_low=ResultEstimate.ci_low - shift,
        ci_high=ResultEstimate.ci_high - shift))
    db.session.commit()
    return copy


@pytest.fixture
def released(app) -> Released:
    """The demo city with released results (threshold 10)."""
    with app.app_context():
        return make_released()


def logged_in(app, email: str):
    """A test client logged in as ``email`` (English interface)."""
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client
