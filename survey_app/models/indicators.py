"""Social indicators of districts (e.g. share of children in households on basic income
support), imported by planners to set the survey results beside them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Integer, String, \
    UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db


class DistrictIndicator(db.Model):
    """One value of one indicator for one district and year.

    Indicators are the city's own statistics (not survey answers): a new
    import of the same district, indicator and year replaces the value.
    """

    __tablename__ = "district_indicator"
    __table_args__ = (
        UniqueConstraint("district_id", "indicator", "year", name="uq_district_indicator_value"),
        CheckConstraint("year BETWEEN 1900 AND 2200", name="year_plausible"),
        CheckConstraint("length(indicator) > 0", name="indicator_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("district.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    imported_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.timezone.utc))
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))

    district: Mapped["District"] = relationship()  # noqa: F821
