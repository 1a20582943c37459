"""Fixtures of the staff-side tests: two schools, one account per role, a login helper."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pytest
from argon2 import PasswordHasher, profiles

from survey_app.extensions import db
from survey_app.models import Answer, Response, School, SchoolClass, StaffUser, Wave
from survey_app.services.access_codes import find_code, generate_codes
from survey_app.services import passwords
from survey_app.services.passwords import hash_password
from tests.factories import small_city
from tests.forms import csrf_token

PASSWORD = "lange genug und selten"
SENTINEL = "SENTINEL-ANSWER-4711"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2 with the cheapest parameters: the same code path, a fraction of the time.

    Production hashing is slow on purpose; the tests log in hundreds of times.
    """
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@lru_cache(maxsize=1)
def password_hash() -> str:
    """One argon2 hash for every test account (hashing is slow on purpose)."""
    return hash_password(PASSWORD)


@dataclass
class World:
    """Ids of the staff-side test data."""

    wave_id: int
    municipality_id: int
    school_a: int
    school_b: int
    class_a: int
    class_a_closed: int
    class_b: int
    codes_a: list[str]
    codes_b: list[str]
    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    region_id: int = 0
    districts: list[int] = field(default_factory=list)


def make_world() -> World:
    """small_city (school A) plus school B with a class, one account per role, one answer."""
    city = small_city(codes=5)
    wave = db.session.get(Wave, city.wave_id)
    school_a = db.session.get(SchoolClass, city.class_id).school
    school_b = School(name="Andere Schule", municipality=school_a.municipality)
    class_b = SchoolClass(wave=wave, school=school_b, name="6c", grade=6, enrolled=20)
    db.session.add_all([school_b, class_b])
    db.session.flush()
    codes_b = generate_codes(db.session, class_b, 3)
    users = {
        "admin": StaffUser(email="admin@example.org", role="admin"),
        "coord_a": StaffUser(email="coord-a@example.org", role="coordinator",
                             schools=[school_a]),
        "coord_b": StaffUser(email="coord-b@example.org", role="coordinator",
                             schools=[school_b]),
        "planner": StaffUser(email="planner@example.org", role="planner",
                             municipalities=[school_a.municipality]),
        "spare": StaffUser(email="spare@example.org", role="coordinator", schools=[school_a]),
    }
    for user in users.values():
        user.password_hash = password_hash()
        db.session.add(user)
    # A pupil's answer: must never show up on any staff page.
    code = find_code(db.session, city.codes[4])
    code.state = "started"
    response = Response(wave_id=wave.id, class_id=city.class_id, access_code_id=code.id,
                        questionnaire_version=wave.questionnaire_version, language="de")
    response.answers.append(Answer(item_code="free_text", value=SENTINEL))
    db.session.add(response)
    db.session.commit()
    return World(wave.id, school_a.municipality_id, school_a.id, school_b.id, city.class_id,
                 city.closed_class_id, class_b.id, city.codes[:4], codes_b,
                 {k: u.id for k, u in users.items()}, {k: u.email for k, u in users.items()},
                 school_a.municipality.region_id,
                 [d.id for d in school_a.municipality.districts])


@pytest.fixture
def world(app) -> World:
    """The staff test data in the current backend."""
    with app.app_context():
        return make_world()




def login(client, email: str, password: str = PASSWORD):
    """Log in through the real form; returns the response (not followed).

    The tests read the English interface texts, whatever the default locale.
    """
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"csrf_token": csrf_token(page.text),
                                             "email": email, "password": password})


def token_of(client) -> str:
    """A valid CSRF token for this client's session."""
    page = client.get("/staff/password")
    if page.status_code != 200:
        page = client.get("/staff/login")
    return csrf_token(page.text)


def pupil_start(client, code: str):
    """A pupil enters a code on the start page (followed to wherever it leads)."""
    page = client.get("/")
    return client.post("/", data={"csrf_token": csrf_token(page.text), "code": code},
                       follow_redirects=True)
