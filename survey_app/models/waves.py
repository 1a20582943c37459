"""Survey waves and the one-time access codes pupils start with."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models._types import one_of

WAVE_STATES = ("draft", "open", "closed")
CODE_STATES = ("unused", "started", "submitted", "void")


class Wave(db.Model):
    """One survey round in a municipality or a whole region.

    The wave pins the questionnaire by id, version and the SHA-256 of its file,
    so that answers are always read with the definition they were given under.
    """

    __tablename__ = "wave"
    __table_args__ = (
        CheckConstraint(
            "(municipality_id IS NULL) <> (region_id IS NULL)", name="one_area"
        ),
        CheckConstraint("grade_min BETWEEN 1 AND 13 AND grade_max BETWEEN grade_min AND 13",
                        name="grades_valid"),
        CheckConstraint("closes_on >= opens_on", name="dates_in_order"),
        CheckConstraint("length(questionnaire_hash) = 64", name="hash_is_sha256"),
        one_of("state", WAVE_STATES, "state_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    questionnaire_id: Mapped[str] = mapped_column(String(63))
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    questionnaire_hash: Mapped[str] = mapped_column(String(64))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("region.id", ondelete="RESTRICT"), index=True
    )
    grade_min: Mapped[int]
    grade_max: Mapped[int]
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="draft")

    municipality: Mapped["Municipality | None"] = relationship()  # noqa: F821
    region: Mapped["Region | None"] = relationship()  # noqa: F821
    classes: Mapped[list["SchoolClass"]] = relationship(back_populates="wave")  # noqa: F821


class AccessCode(db.Model):
    """A one-time code printed on a slip; only a hash of it is stored.

    The code itself carries >= 40 random bits and is shown once, when the slip
    is printed. Nothing links a code to a child: the school hands slips out at
    random.
    """

    __tablename__ = "access_code"
    __table_args__ = (one_of("state", CODE_STATES, "state_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("school_class.id", ondelete="RESTRICT"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="unused")
    created_on: Mapped[dt.date] = mapped_column(Date, default=dt.date.today)

    school_class: Mapped["SchoolClass"] = relationship(back_populates="codes")  # noqa: F821
