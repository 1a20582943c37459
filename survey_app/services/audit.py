"""The audit log: every staff action that changes data leaves one event.

Services call :func:`record` in the same transaction as the change, so the
event is stored exactly when the change is. Details never hold a pupil's
answer, a password or a plain access code.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.models import AuditEvent


def record(session: Session, user_id: int | None, action: str, target: Any = None,
           **details: Any) -> AuditEvent:
    """Add an event: ``user_id`` did ``action`` (e.g. ``"wave.create"``) to ``target``.

    ``user_id`` is ``None`` for the command line.
    """
    event = AuditEvent(
        user_id=user_id, action=action,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
        if details else None,
    )
    session.add(event)
    session.flush()
    return event


def actions(session: Session) -> list[str]:
    """Every action name that occurs in the log, for the filter list."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def search(session: Session, action: str | None = None, user_id: int | None = None,
           date_from: dt.date | None = None, date_to: dt.date | None = None,
           page: int = 1, per_page: int = 50) -> tuple[list[AuditEvent], int, int]:
    """Events of one page, newest first; the total number of matches; the page shown.

    A page number below 1 or past the last page (a hand-edited address) shows
    the first or the last page, so that no number reaches the database's
    OFFSET unchecked.
    """
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if user_id:
        query = query.where(AuditEvent.user_id == user_id)
    if date_from:
        start = dt.datetime.combine(date_from, dt.time.min, tzinfo=dt.timezone.utc)
        query = query.where(AuditEvent.at >= start)
    if date_to and date_to < dt.date.max:  # up to 9999-12-31: nothing is later
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min,
                                  tzinfo=dt.timezone.utc)
        query = query.where(AuditEvent.at < end)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    page = min(max(page, 1), max(1, -(-total // per_page)))
    events = session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                             .limit(per_page).offset((page - 1) * per_page))
    return list(events), total, page
