"""Many pupils at once: every answer stored exactly as sent, nothing lost or duplicated.

Each pupil is a thread with its own test client (its own cookies); all wait at a
barrier and then start, answer and submit together, on SQLite (where the
write path's ``BEGIN IMMEDIATE`` is what keeps "database is locked" away) and
on PostgreSQL.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AccessCode, Answer, Response
from survey_app.services.access_codes import code_hash
from tests.factories import small_city
from tests.pupil.helpers import Pupil, address

PUPILS = 50


def random_answers(seed: int) -> tuple[dict, dict]:
    """Answers of pages 1 and 2 for one pupil (some questions skipped)."""
    rng = random.Random(seed)
    page1 = {"grade": str(rng.randint(5, 10)), "gender": rng.choice(["1", "2", "3", "99"]),
             "district": "dont_know"}
    page2 = {code: rng.choice(["1", "2", "3", "4", "99"])
             for code in ("happy_1", "happy_2", "happy_3", "sad_1", "sad_2") if rng.random() < .8}
    page2["club"] = rng.choice(["0", "1"])
    if page2["club"] == "1":
        page2["club_name"] = f"Verein {seed} ä"
    return page1, page2


@pytest.mark.slow
def test_fifty_pupils_answer_and_submit_at_once(app):
    with app.app_context():
        city = small_city(codes=PUPILS)
    barrier = threading.Barrier(PUPILS)
    plans = {code: random_answers(index) for index, code in enumerate(city.codes)}

    def take_survey(code: str) -> list[int]:
        pupil = Pupil(app.test_client())
        page1, page2 = plans[code]
        barrier.wait(timeout=60)
        statuses = [pupil.begin(code).status_code]
        statuses.append(pupil.post(1, {"grade": "5"}, follow=False).status_code)
        statuses.append(pupil.post(1, page1, follow=False).status_code)  # changes their mind
        statuses.append(pupil.post(2, page2, action="submit", follow=False).status_code)
        statuses.append(pupil.post(2, page2, action="submit", follow=False).status_code)  # twice
        return statuses

    with ThreadPoolExecutor(max_workers=PUPILS) as pool:
        results = list(pool.map(take_survey, city.codes))
    assert all(s == [200, 200, 200, 303, 303] for s in results), results

    with app.app_context():
        by_hash = {code_hash(code): {**p1, **p2} for code, (p1, p2) in plans.items()}
        stored: dict[str, dict[str, str]] = {}
        rows = db.session.execute(
            select(AccessCode.code_hash, Answer.item_code, Answer.value)
            .join(Response, Response.access_code_id == AccessCode.id)
            .join(Answer, Answer.response_id == Response.id))
        for digest, item, value in rows:
            assert item not in stored.setdefault(digest, {})
            stored[digest][item] = value
        assert stored == by_hash
        responses = db.session.scalars(select(Response)).all()
        assert len(responses) == PUPILS and {r.status for r in responses} == {"submitted"}
        states = db.session.scalars(select(AccessCode.state).where(
            AccessCode.class_id == city.class_id)).all()
        assert states == ["submitted"] * PUPILS


@pytest.mark.slow
def test_one_page_saved_from_many_tabs_at_once_is_stored_once(app):
    with app.app_context():
        city = small_city(codes=1)
    tabs = [Pupil(app.test_client()) for _ in range(12)]
    for tab in tabs:
        tab.begin(city.codes[0])
    barrier = threading.Barrier(len(tabs))

    def save(index: int) -> int:
        tab = tabs[index]
        barrier.wait(timeout=60)
        return tab.post(1, {"grade": str(5 + index % 6), "gender": "2"}, follow=False).status_code

    with ThreadPoolExecutor(max_workers=len(tabs)) as pool:
        assert set(pool.map(save, range(len(tabs)))) == {200}  # each answered with page 2
    with app.app_context():
        answers = db.session.execute(select(Answer.item_code, Answer.value)).all()
        assert sorted(code for code, _ in answers) == ["gender", "grade"]
        assert db.session.scalar(select(Response.furthest_page)) == 1


@pytest.mark.slow
def test_one_code_started_on_many_devices_at_once_makes_one_response(app):
    with app.app_context():
        city = small_city(codes=1)
    devices = [Pupil(app.test_client()) for _ in range(12)]
    barrier = threading.Barrier(len(devices))

    def start(device: Pupil) -> str:
        barrier.wait(timeout=60)
        return address(device.start(city.codes[0]))

    with ThreadPoolExecutor(max_workers=len(devices)) as pool:
        assert set(pool.map(start, devices)) == {"/survey/assent"}
    with app.app_context():
        assert len(db.session.scalars(select(Response)).all()) == 1
