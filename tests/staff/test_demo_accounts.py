"""The demo's staff accounts: created once, refreshed on every run, credentials work."""

from __future__ import annotations

from sqlalchemy import func, select

from survey_app.demo.accounts import ensure_demo_accounts
from survey_app.extensions import db
from survey_app.models import School, StaffUser
from tests.staff.conftest import login


def test_demo_accounts_are_idempotent_and_printed_credentials_work(app, world):
    with app.app_context():
        school = db.session.get(School, world.school_a)
        first = ensure_demo_accounts(db.session, school, school.municipality)
        db.session.commit()
        again = ensure_demo_accounts(db.session, school, school.municipality)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(StaffUser).where(
            StaffUser.email.like("%@demo.invalid"))) == 3
    assert [a.role for a in again] == ["admin", "coordinator", "planner"]
    assert {a.password for a in first}.isdisjoint(a.password for a in again)
    homes = {"admin": "/admin/", "coordinator": "/school/", "planner": "/staff/"}
    for account in again:
        assert login(app.test_client(), account.email, account.password).headers["Location"] \
            == homes[account.role]
    coordinator = app.test_client()
    login(coordinator, again[1].email, again[1].password)
    assert coordinator.get(f"/school/classes/{world.class_b}").status_code == 404
