"""Response monitoring: slips issued, started, submitted and the response rate.

Counts only, from the access codes' states: nothing here reads an answer.
"Started" counts every code that opened a questionnaire (submitted ones
included); the response rate is submitted / enrolled.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from survey_app.models import AccessCode, School, SchoolClass, Wave
from survey_app.models.schools import SCHOOL_TYPES


@dataclass
class Counts:
    """The figures of one class, school, or wave."""

    enrolled: int = 0
    issued: int = 0
    started: int = 0
    submitted: int = 0
    void: int = 0

    @property
    def rate(self) -> float | None:
        """Submitted questionnaires per enrolled pupil, or ``None`` without enrolment."""
        return self.submitted / self.enrolled if self.enrolled else None

    def add(self, other: "Counts") -> None:
        """Add another row's figures to these (for school and wave totals)."""
        for name in ("enrolled", "issued", "started", "submitted", "void"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ClassRow(Counts):
    """One class with its figures."""

    class_id: int = 0
    school_id: int = 0
    school: str = ""
    name: str = ""
    grade: int = 0
    state: str = "open"
    school_type: str | None = None


def class_rows(session: Session, wave_id: int, school_ids: set[int] | None = None,
               class_id: int | None = None) -> list[ClassRow]:
    """Figures per class of a wave, limited to ``school_ids`` (``None``: all schools)."""
    codes = (select(AccessCode.class_id,
                    func.sum(case((AccessCode.state != "void", 1), else_=0)).label("issued"),
                    func.sum(case((AccessCode.state.in_(("started", "submitted")), 1),
                                  else_=0)).label("started"),
                    func.sum(case((AccessCode.state == "submitted", 1), else_=0))
                    .label("submitted"),
                    func.sum(case((AccessCode.state == "void", 1), else_=0)).label("void"))
             .group_by(AccessCode.class_id).subquery())
    query = (select(SchoolClass, School.name, School.school_type, codes.c.issued,
                    codes.c.started,
                    codes.c.submitted, codes.c.void)
             .join(School, School.id == SchoolClass.school_id)
             .outerjoin(codes, codes.c.class_id == SchoolClass.id)
             .where(SchoolClass.wave_id == wave_id)
             .order_by(School.name, SchoolClass.grade, SchoolClass.name))
    if school_ids is not None:
        query = query.where(SchoolClass.school_id.in_(school_ids or {-1}))
    if class_id is not None:
        query = query.where(SchoolClass.id == class_id)
    rows = []
    for school_class, school_name, school_type, issued, started, submitted, void in \
            session.execute(query):
        rows.append(ClassRow(
            enrolled=school_class.enrolled or 0, issued=issued or 0, started=started or 0,
            submitted=submitted or 0, void=void or 0, class_id=school_class.id,
            school_id=school_class.school_id, school=school_name, name=school_class.name,
            grade=school_class.grade, state=school_class.state, school_type=school_type))
    return rows


@dataclass
class SchoolSummary:
    """A school's classes in a wave and their totals."""

    school_id: int
    name: str
    classes: list[ClassRow]
    total: Counts


def by_school(rows: list[ClassRow]) -> list[SchoolSummary]:
    """Group class rows by school, with totals."""
    schools: dict[int, SchoolSummary] = {}
    for row in rows:
        summary = schools.setdefault(row.school_id,
                                     SchoolSummary(row.school_id, row.school, [], Counts()))
        summary.classes.append(row)
        summary.total.add(row)
    return list(schools.values())


@dataclass
class TypeSummary:
    """The classes of one school type (``None``: type not recorded) and their totals."""

    school_type: str | None
    schools: int
    total: Counts


def by_school_type(rows: list[ClassRow]) -> list[TypeSummary]:
    """Totals per school type, in the order of :data:`SCHOOL_TYPES`, unrecorded last."""
    groups: dict[str | None, tuple[set[int], Counts]] = {}
    for row in rows:
        schools, counts = groups.setdefault(row.school_type, (set(), Counts()))
        schools.add(row.school_id)
        counts.add(row)
    order = {key: index for index, key in enumerate(SCHOOL_TYPES)}
    return [TypeSummary(key, len(schools), counts) for key, (schools, counts) in
            sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))]


def total(rows: list[Counts]) -> Counts:
    """The sum of several rows."""
    result = Counts()
    for row in rows:
        result.add(row)
    return result


def visible_waves(session: Session, school_ids: set[int] | None) -> list[Wave]:
    """Waves with at least one class of the given schools (all waves for ``None``)."""
    query = select(Wave).order_by(Wave.opens_on.desc(), Wave.name)
    if school_ids is not None:
        query = query.where(Wave.id.in_(select(SchoolClass.wave_id).where(
            SchoolClass.school_id.in_(school_ids or {-1}))))
    return list(session.scalars(query))
