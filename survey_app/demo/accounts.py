"""Demo staff accounts: an admin, a coordinator of one school and a planner.

Idempotent: existing accounts are kept (with their history) and get a fresh
random password, so that the credentials printed by each ``wellbeing demo``
run always work and no password is written in the source.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import Municipality, School, StaffUser
from survey_app.services.passwords import hash_password

DOMAIN = "demo.invalid"  # reserved: these addresses can never receive mail


@dataclass(frozen=True)
class DemoAccount:
    """What to print for one demo account."""

    role: str
    email: str
    password: str
    scope: str


def _password() -> str:
    """A random, readable password (about 60 bits)."""
    return "-".join(secrets.token_hex(4) for _ in range(2)) + "-demo"


def ensure_demo_accounts(session: Session, school: School,
                         municipality: Municipality) -> list[DemoAccount]:
    """Create or refresh the three demo accounts; flushes, the caller commits."""
    wanted = [("admin", f"admin@{DOMAIN}", [], [], "whole city"),
              ("coordinator", f"coordinator@{DOMAIN}", [school], [], school.name),
              ("planner", f"planner@{DOMAIN}", [], [municipality], municipality.name)]
    accounts = []
    for role, email, schools, municipalities, scope in wanted:
        password = _password()
        user = session.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is None:
            user = StaffUser(email=email, role=role, password_hash="")
            session.add(user)
        user.role, user.active = role, True
        user.schools, user.municipalities = schools, municipalities
        user.password_hash = hash_password(password)
        user.session_token = None
        accounts.append(DemoAccount(role, email, password, scope))
    session.flush()
    return accounts
