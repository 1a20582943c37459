"""Schools and the classes that take part in a wave."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models._types import one_of

CLASS_STATES = ("open", "closed")
#: German school types (stored keys; pages show translated labels, see survey_app.labels).
SCHOOL_TYPES = ("grundschule", "hauptschule", "realschule", "sekundarschule", "gesamtschule",
                "gymnasium", "foerderschule", "berufskolleg", "other")


class School(db.Model):
    """A school in a municipality (the primary sampling unit of the analysis).

    ``number`` is the official school number (Schulnummer) the state's school
    statistics use, unique within a municipality; ``school_type`` one of
    :data:`SCHOOL_TYPES`, for response rates and results by school type. Both
    are optional: schools set up before they existed have neither.
    """

    __tablename__ = "school"
    __table_args__ = (
        UniqueConstraint("municipality_id", "name"),
        UniqueConstraint("municipality_id", "number"),
        one_of("school_type", SCHOOL_TYPES, "school_type_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(160))
    number: Mapped[str | None] = mapped_column(String(20))
    school_type: Mapped[str | None] = mapped_column(String(20))

    municipality: Mapped["Municipality"] = relationship()  # noqa: F821
    classes: Mapped[list["SchoolClass"]] = relationship(back_populates="school")


class SchoolClass(db.Model):
    """A class of a school in one wave (class lists change every school year).

    ``enrolled`` is the number of pupils on the class list, the denominator of
    the response rate. A closed class accepts no new starts.
    """

    __tablename__ = "school_class"
    __table_args__ = (
        UniqueConstraint("wave_id", "school_id", "name"),
        CheckConstraint("grade BETWEEN 1 AND 13", name="grade_range"),
        CheckConstraint("enrolled IS NULL OR enrolled >= 0", name="enrolled_not_negative"),
        one_of("state", CLASS_STATES, "state_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="RESTRICT"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    grade: Mapped[int]
    enrolled: Mapped[int | None]
    state: Mapped[str] = mapped_column(String(10), default="open")

    school: Mapped[School] = relationship(back_populates="classes")
    wave: Mapped["Wave"] = relationship(back_populates="classes")  # noqa: F821
    codes: Mapped[list["AccessCode"]] = relationship(back_populates="school_class")  # noqa: F821
