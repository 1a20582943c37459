"""Managing a class's access codes: issue, replace, void; close and reopen a class.

Plain codes exist only in what :func:`issue_codes` returns, to be printed at
once; the database keeps their hashes. Every change leaves an audit event
(with counts, never a plain code).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from survey_app.models import AccessCode, SchoolClass
from survey_app.services import audit
from survey_app.services.access_codes import find_code, generate_codes
from survey_app.services.errors import InvalidInput

MAX_CODES = 200


def _open_class(session: Session, class_id: int) -> SchoolClass:
    school_class = session.get(SchoolClass, class_id)
    if school_class is None:
        raise InvalidInput(_("Unknown class."))
    if school_class.state != "open":
        raise InvalidInput(_("This class is closed; reopen it to issue codes."), field="count")
    if school_class.wave.state == "closed":
        raise InvalidInput(_("This wave is closed."), field="count")
    return school_class


def issue_codes(session: Session, actor_id: int | None, class_id: int, count: int,
                replacement: bool = False) -> list[str]:
    """New one-time codes for a class, in display form (print them now)."""
    if not 1 <= count <= MAX_CODES:
        raise InvalidInput(_("Please ask for 1 to %(n)d codes.", n=MAX_CODES), field="count")
    school_class = _open_class(session, class_id)
    codes = generate_codes(session, school_class, count)
    audit.record(session, actor_id, "codes.replace" if replacement else "codes.generate",
                 school_class, count=count)
    return codes


def void_code(session: Session, actor_id: int, class_id: int, typed: str) -> None:
    """Make one unused (or started, unsubmitted) code of this class unusable."""
    code = find_code(session, typed)
    if code is not None:  # wait for a pupil's save or submit of this code to finish
        code = session.scalar(select(AccessCode).where(AccessCode.id == code.id)
                              .with_for_update().execution_options(populate_existing=True))
    if code is None or code.class_id != class_id:
        raise InvalidInput(_("This is not a code of this class."), field="code")
    if code.state == "submitted":
        raise InvalidInput(_("This code has been used to submit a questionnaire; it stays "
                             "as it is."), field="code")
    if code.state == "void":
        raise InvalidInput(_("This code is void already."), field="code")
    previous, code.state = code.state, "void"
    session.flush()
    audit.record(session, actor_id, "code.void", session.get(SchoolClass, class_id),
                 code_id=code.id, previous=previous)


def replace_code(session: Session, actor_id: int, class_id: int, lost: str) -> list[str]:
    """Void a lost slip's code if it is known, and issue one new code."""
    if lost.strip():
        void_code(session, actor_id, class_id, lost)
    return issue_codes(session, actor_id, class_id, 1, replacement=True)


def void_unused(session: Session, actor_id: int, class_id: int) -> int:
    """Void every code of the class that nobody has used; returns how many."""
    result = session.execute(update(AccessCode).where(AccessCode.class_id == class_id,
                                                      AccessCode.state == "unused")
                             .values(state="void").execution_options(synchronize_session=False))
    count = result.rowcount or 0
    session.expire_all()
    audit.record(session, actor_id, "codes.void_unused", session.get(SchoolClass, class_id),
                 count=count)
    return count


def set_class_state(session: Session, actor_id: int, class_id: int, state: str) -> SchoolClass:
    """Close a class (its codes start no survey any more) or reopen it."""
    school_class = session.get(SchoolClass, class_id)
    if school_class is None or state not in ("open", "closed"):
        raise InvalidInput(_("Unknown class or state."))
    previous, school_class.state = school_class.state, state
    session.flush()
    audit.record(session, actor_id, "class.close" if state == "closed" else "class.reopen",
                 school_class, previous=previous)
    return school_class

