"""Staff accounts: the city's survey team, school coordinators and planners."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models._types import one_of

ROLES = ("admin", "coordinator", "planner")

staff_schools = Table(
    "staff_school",
    db.metadata,
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
)

staff_municipalities = Table(
    "staff_municipality",
    db.metadata,
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id", ondelete="CASCADE"),
           primary_key=True),
)

#: Planners of a whole region: every municipality of the region, including ones added later.
staff_regions = Table(
    "staff_region",
    db.metadata,
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("region.id", ondelete="CASCADE"), primary_key=True),
)


class StaffUser(db.Model):
    """A staff member. Coordinators see their schools, planners their municipalities.

    A planner sees the municipalities assigned one by one plus every
    municipality of the assigned regions (:attr:`regions`), so a municipality
    added to a region later is covered without touching the account.

    ``session_token`` is replaced at every login and logout; a session cookie
    carrying an old token is refused, so logging out really ends the session.
    """

    __tablename__ = "staff_user"
    __table_args__ = (one_of("role", ROLES, "role_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.timezone.utc)
    )
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    schools: Mapped[list["School"]] = relationship(secondary=staff_schools)  # noqa: F821
    municipalities: Mapped[list["Municipality"]] = relationship(  # noqa: F821
        secondary=staff_municipalities
    )
    regions: Mapped[list["Region"]] = relationship(secondary=staff_regions)  # noqa: F821

    # Flask-Login's user interface. The id it stores in the session includes
    # the session token, so that replacing the token ends every old session.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot log in."""
        return self.active

    def get_id(self) -> str:
        """``"<id>:<session token>"``, checked by the user loader on every request."""
        return f"{self.id}:{self.session_token or ''}"
