"""Staff accounts: create, change, authenticate (with audit events).

Passwords are checked against the policy in :mod:`survey_app.services.passwords`
and stored only as argon2id hashes.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.services.passwords import (hash_password, needs_rehash, policy_problem,
                                           verify_password)
from survey_app.models import Municipality, Region, School, StaffUser
from survey_app.models.staff import ROLES
from survey_app.services import audit
from survey_app.services.errors import InvalidInput


def password_message(problem: str) -> str:
    """The message for a password policy problem key."""
    return {
        "too_short": _("The password must have at least 8 characters."),
        "too_long": _("The password may have at most 64 characters."),
        "common": _("This password is too common or too easy to guess. Please choose another."),
    }[problem]


def _check_password(password: str, email: str, field: str = "password") -> None:
    problem = policy_problem(password, email)
    if problem:
        raise InvalidInput(password_message(problem), field=field)


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding space."""
    return email.strip().lower()


def is_valid_email(email: str) -> bool:
    """Whether ``email`` is a well-formed address on a real domain (no DNS lookup).

    Checked with ``email-validator``, the library WTForms' ``Email`` uses:
    syntax, length limits, and no reserved domains such as ``.invalid``.
    """
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return len(email) <= 254


def find_by_email(session: Session, email: str) -> StaffUser | None:
    """The account with this e-mail address, or ``None``."""
    return session.scalar(select(StaffUser).where(
        func.lower(StaffUser.email) == normalise_email(email)))


def _refuse_choices_outside_role(role: str, school_ids: list[int], municipality_ids: list[int],
                                 region_ids: list[int]) -> None:
    """Refuse schools for a non-coordinator, municipalities or regions for a non-planner.

    Dropping them silently would give an account other rights than the admin
    meant (a school picked for what was meant to be a coordinator account).
    """
    if school_ids and role != "coordinator":
        raise InvalidInput(_("Schools are assigned to school coordinators only. Please "
                             "deselect the schools or choose the role school coordinator."),
                           field="schools")
    for ids, field in ((municipality_ids, "municipalities"), (region_ids, "regions")):
        if ids and role != "planner":
            raise InvalidInput(_("Municipalities and regions are assigned to planners only. "
                                 "Please deselect them or choose the role planner."),
                               field=field)


def _scope(session: Session, role: str, school_ids: Iterable[int],
           municipality_ids: Iterable[int], region_ids: Iterable[int] = (),
           ) -> tuple[list[School], list[Municipality], list[Region]]:
    """The schools, municipalities and regions of an account.

    A planner for a whole region is linked to the region itself, so that a
    municipality added to the region later is covered too; municipalities
    chosen one by one come on top.
    """
    school_ids, municipality_ids, region_ids = (list(school_ids), list(municipality_ids),
                                                list(region_ids))
    _refuse_choices_outside_role(role, school_ids, municipality_ids, region_ids)
    region_ids = list(dict.fromkeys(region_ids)) if role == "planner" else []
    regions = [session.get(Region, i) for i in region_ids]
    if None in regions:
        raise InvalidInput(_("Unknown region."), field="regions")
    schools = [session.get(School, i) for i in school_ids] if role == "coordinator" else []
    municipalities = ([session.get(Municipality, i) for i in dict.fromkeys(municipality_ids)]
                      if role == "planner" else [])
    if None in schools or None in municipalities:
        raise InvalidInput(_("Unknown school or municipality."))
    if role == "coordinator" and not schools:
        raise InvalidInput(_("A coordinator needs at least one school."), field="schools")
    if role == "planner" and not municipalities and not regions:
        raise InvalidInput(_("A planner needs at least one municipality or region."),
                           field="municipalities")
    return schools, municipalities, regions


def create_user(session: Session, actor_id: int | None, email: str, role: str, password: str,
                school_ids: Iterable[int] = (), municipality_ids: Iterable[int] = (),
                region_ids: Iterable[int] = ()) -> StaffUser:
    """Create an account; raises :class:`InvalidInput` and changes nothing on bad input."""
    email = normalise_email(email)
    if role not in ROLES:
        raise InvalidInput(_("Unknown role."), field="role")
    if not is_valid_email(email):
        raise InvalidInput(_("Please enter a valid e-mail address."), field="email")
    if find_by_email(session, email) is not None:
        raise InvalidInput(_("An account with this e-mail address exists already."),
                           field="email")
    _check_password(password, email)
    schools, municipalities, regions = _scope(session, role, school_ids, municipality_ids,
                                              region_ids)
    user = StaffUser(email=email, role=role, password_hash=hash_password(password),
                     schools=schools, municipalities=municipalities, regions=regions)
    session.add(user)
    session.flush()
    audit.record(session, actor_id, "user.create", user, email=email, role=role,
                 schools=[s.id for s in schools], municipalities=[m.id for m in municipalities],
                 regions=[r.id for r in regions])
    return user


def update_user(session: Session, actor_id: int, user: StaffUser, role: str, active: bool,
                school_ids: Iterable[int] = (), municipality_ids: Iterable[int] = (),
                new_password: str = "", region_ids: Iterable[int] = ()) -> StaffUser:
    """Change role, scope, active flag and optionally the password of an account.

    Deactivating an account or setting a new password ends its sessions.
    An admin cannot demote or deactivate themselves (nobody could undo it).
    """
    if role not in ROLES:
        raise InvalidInput(_("Unknown role."), field="role")
    if user.id == actor_id and (role != "admin" or not active):
        raise InvalidInput(_("You cannot remove your own admin rights or deactivate yourself."),
                           field="role")
    if new_password:
        _check_password(new_password, user.email, field="new_password")
    schools, municipalities, regions = _scope(session, role, school_ids, municipality_ids,
                                              region_ids)
    changes = {"role": role, "active": active, "schools": [s.id for s in schools],
               "municipalities": [m.id for m in municipalities],
               "regions": [r.id for r in regions], "password_changed": bool(new_password)}
    user.role, user.active = role, active
    user.schools, user.municipalities, user.regions = schools, municipalities, regions
    if new_password:
        user.password_hash = hash_password(new_password)
    if new_password or not active:
        user.session_token = None
    session.flush()
    audit.record(session, actor_id, "user.update", user, **changes)
    return user


def change_own_password(session: Session, user: StaffUser, current: str, new: str) -> None:
    """A user sets a new password after confirming the current one."""
    if not verify_password(user.password_hash, current):
        raise InvalidInput(_("The current password is wrong."), field="current")
    _check_password(new, user.email, field="new")
    user.password_hash = hash_password(new)
    session.flush()
    audit.record(session, user.id, "user.password", user)


def authenticate(session: Session, email: str, password: str,
                 now: dt.datetime | None = None) -> StaffUser | None:
    """The active account matching e-mail and password, or ``None``.

    A successful login records ``last_login_at`` and an audit event, and
    upgrades an outdated hash; a failed one records an event without the
    typed text (a password may have been typed into the e-mail field).
    """
    user = find_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        audit.record(session, user.id if user else None, "auth.login_failed",
                     user if user else None)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now or dt.datetime.now(dt.timezone.utc)
    audit.record(session, user.id, "auth.login", user)
    return user
