"""A pupil's response and its answers.

Privacy by construction: no name, IP address or user agent column exists, and
the response keeps dates only (no time of day), so answers cannot be matched to
a lesson timetable.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models._types import one_of

RESPONSE_STATES = ("in_progress", "submitted")


class Response(db.Model):
    """One pupil's questionnaire: at most one per access code.

    ``furthest_page`` counts the pages the pupil has moved past with Next
    (0 = not started), so that coming back with the same code resumes at the
    first page not yet seen.
    """

    __tablename__ = "response"
    __table_args__ = (
        one_of("status", RESPONSE_STATES, "status_valid"),
        CheckConstraint(
            "(status = 'submitted') = (submitted_on IS NOT NULL)", name="submitted_has_date"
        ),
        CheckConstraint("submitted_on IS NULL OR submitted_on >= started_on",
                        name="dates_in_order"),
        CheckConstraint("furthest_page >= 0", name="furthest_page_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="RESTRICT"), index=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("school_class.id", ondelete="RESTRICT"), index=True
    )
    access_code_id: Mapped[int] = mapped_column(
        ForeignKey("access_code.id", ondelete="RESTRICT"), unique=True
    )
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    started_on: Mapped[dt.date] = mapped_column(Date, default=dt.date.today)
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    furthest_page: Mapped[int] = mapped_column(default=0)
    #: The answers as submitted, joined into one text (written once, at submit), so that
    #: a wave's results read one row per response (see survey_app.services.submitted_answers).
    submitted_answers: Mapped[str | None] = mapped_column(Text)

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class Answer(db.Model):
    """One item's answer; saving a page again overwrites, never duplicates."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    item_code: Mapped[str] = mapped_column(String(63))
    value: Mapped[str] = mapped_column(String(2000))

    response: Mapped[Response] = relationship(back_populates="answers")
