"""Schools and the classes of a wave: create, correct, delete.

Class lists from CSV files are in :mod:`survey_app.services.class_lists`.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.models import (AccessCode, Municipality, Response, School, SchoolClass, Wave,
                               staff_schools)
from survey_app.services import audit
from survey_app.services.errors import InvalidInput



def wave_municipality_ids(session: Session, wave: Wave) -> list[int]:
    """The municipalities a wave covers (one, or all of its region's)."""
    if wave.municipality_id is not None:
        return [wave.municipality_id]
    return list(session.scalars(select(Municipality.id).where(
        Municipality.region_id == wave.region_id)))


def wave_schools(session: Session, wave: Wave) -> list[School]:
    """The schools that may take part in a wave, by name."""
    return list(session.scalars(select(School).where(
        School.municipality_id.in_(wave_municipality_ids(session, wave))).order_by(School.name)))


def create_school(session: Session, actor_id: int, municipality_id: int, name: str) -> School:
    """Add a school; names are unique within a municipality."""
    name = name.strip()
    if session.get(Municipality, municipality_id) is None:
        raise InvalidInput(_("Unknown municipality."), field="municipality_id")
    if session.scalar(select(School).filter_by(municipality_id=municipality_id, name=name)):
        raise InvalidInput(_("This municipality has a school of this name already."),
                           field="name")
    school = School(municipality_id=municipality_id, name=name)
    session.add(school)
    session.flush()
    audit.record(session, actor_id, "school.create", school, name=name)
    return school


def _check_class(session: Session, wave: Wave, school: School, name: str, grade: int,
                 enrolled: int | None) -> tuple[str, str] | None:
    """(field, message) of the first problem with a new class, or ``None``."""
    if not name or len(name) > 40:
        return "name", _("The class name must have 1 to 40 characters.")
    if not wave.grade_min <= grade <= wave.grade_max:
        return "grade", _("Grade %(grade)s is outside this wave's grades %(lo)d-%(hi)d.",
                          grade=grade, lo=wave.grade_min, hi=wave.grade_max)
    if enrolled is not None and not 0 <= enrolled <= 200:
        return "enrolled", _("The number of pupils must be between 0 and 200.")
    if session.scalar(select(SchoolClass).filter_by(wave_id=wave.id, school_id=school.id,
                                                    name=name)):
        return "name", _("Class %(name)s of %(school)s is already part of this wave.",
                         name=name, school=school.name)
    return None


def create_class(session: Session, actor_id: int, wave_id: int, school_id: int, name: str,
                 grade: int, enrolled: int | None) -> SchoolClass:
    """Add one class of a school to a wave."""
    wave = session.get(Wave, wave_id)
    school = session.get(School, school_id)
    if wave is None or school is None or school.municipality_id not in \
            wave_municipality_ids(session, wave):
        raise InvalidInput(_("This school does not belong to the wave's area."),
                           field="school_id")
    problem = _check_class(session, wave, school, name.strip(), grade, enrolled)
    if problem:
        raise InvalidInput(problem[1], field=problem[0])
    school_class = SchoolClass(wave_id=wave.id, school_id=school.id, name=name.strip(),
                               grade=grade, enrolled=enrolled)
    session.add(school_class)
    session.flush()
    audit.record(session, actor_id, "class.create", school_class, wave=wave.id,
                 school=school.id, name=school_class.name, grade=grade, enrolled=enrolled)
    return school_class


def update_school(session: Session, actor_id: int, school_id: int, name: str) -> School:
    """Rename a school; names stay unique within the municipality."""
    school = session.get(School, school_id)
    if school is None:
        raise InvalidInput(_("Unknown school."))
    name = name.strip()
    if not name or len(name) > 160:
        raise InvalidInput(_("The school name must have 1 to 160 characters."), field="name")
    if session.scalar(select(School).where(School.municipality_id == school.municipality_id,
                                           School.name == name, School.id != school.id)):
        raise InvalidInput(_("This municipality has a school of this name already."),
                           field="name")
    previous, school.name = school.name, name
    session.flush()
    audit.record(session, actor_id, "school.update", school, name=name, previous=previous)
    return school


def delete_school(session: Session, actor_id: int, school_id: int) -> None:
    """Delete a school without classes and without coordinator accounts."""
    school = session.get(School, school_id)
    if school is None:
        raise InvalidInput(_("Unknown school."))
    classes = session.scalar(select(func.count(SchoolClass.id)).where(
        SchoolClass.school_id == school.id))
    if classes:
        raise InvalidInput(_("The school cannot be deleted: it has %(n)d classes in waves.",
                             n=classes))
    accounts = session.scalar(select(func.count()).select_from(staff_schools).where(
        staff_schools.c.school_id == school.id))
    if accounts:
        raise InvalidInput(_("The school cannot be deleted: %(n)d coordinator accounts are "
                             "assigned to it. Change those accounts first.", n=accounts))
    audit.record(session, actor_id, "school.delete", school, name=school.name,
                 municipality=school.municipality_id)
    session.delete(school)
    session.flush()


def _class_or_refuse(session: Session, class_id: int) -> SchoolClass:
    school_class = session.get(SchoolClass, class_id)
    if school_class is None:
        raise InvalidInput(_("Unknown class."))
    return school_class


def update_class(session: Session, actor_id: int, class_id: int, name: str, grade: int,
                 enrolled: int | None) -> SchoolClass:
    """Correct a class's name, grade and pupils enrolled (admins)."""
    school_class = _class_or_refuse(session, class_id)
    name = name.strip()
    if not name or len(name) > 40:
        raise InvalidInput(_("The class name must have 1 to 40 characters."), field="name")
    wave = school_class.wave
    if grade is None or not wave.grade_min <= grade <= wave.grade_max:
        raise InvalidInput(_("Grade %(grade)s is outside this wave's grades %(lo)d-%(hi)d.",
                             grade=grade, lo=wave.grade_min, hi=wave.grade_max), field="grade")
    if enrolled is not None and not 0 <= enrolled <= 200:
        raise InvalidInput(_("The number of pupils must be between 0 and 200."),
                           field="enrolled")
    if session.scalar(select(SchoolClass).where(
            SchoolClass.wave_id == wave.id, SchoolClass.school_id == school_class.school_id,
            SchoolClass.name == name, SchoolClass.id != school_class.id)):
        raise InvalidInput(_("Class %(name)s of %(school)s is already part of this wave.",
                             name=name, school=school_class.school.name), field="name")
    previous = {"name": school_class.name, "grade": school_class.grade,
                "enrolled": school_class.enrolled}
    school_class.name, school_class.grade, school_class.enrolled = name, grade, enrolled
    session.flush()
    audit.record(session, actor_id, "class.update", school_class, name=name, grade=grade,
                 enrolled=enrolled, previous=previous)
    return school_class


def set_enrolled(session: Session, actor_id: int, class_id: int,
                 enrolled: int | None) -> SchoolClass:
    """A coordinator corrects the pupils enrolled in a class of their school.

    Only while the wave is not closed: after closing, the figure is part of the
    wave's results (response rates, weights) and only admins correct it.
    """
    school_class = _class_or_refuse(session, class_id)
    if school_class.wave.state == "closed":
        raise InvalidInput(_("The wave is closed; please ask the survey team to correct "
                             "the number."), field="enrolled")
    if enrolled is None or not 0 <= enrolled <= 200:
        raise InvalidInput(_("The number of pupils must be between 0 and 200."),
                           field="enrolled")
    previous, school_class.enrolled = school_class.enrolled, enrolled
    session.flush()
    audit.record(session, actor_id, "class.enrolled", school_class, enrolled=enrolled,
                 previous=previous)
    return school_class


def delete_class(session: Session, actor_id: int, class_id: int) -> None:
    """Delete a class that has no codes (and so no responses)."""
    school_class = _class_or_refuse(session, class_id)
    responses = session.scalar(select(func.count(Response.id)).where(
        Response.class_id == school_class.id))
    if responses:
        raise InvalidInput(_("The class cannot be deleted: pupils have answered with %(n)d "
                             "of its codes.", n=responses))
    codes = session.scalar(select(func.count(AccessCode.id)).where(
        AccessCode.class_id == school_class.id))
    if codes:
        raise InvalidInput(_("The class cannot be deleted: %(n)d code slips were printed for "
                             "it. Void its unused codes and close it instead.", n=codes))
    audit.record(session, actor_id, "class.delete", school_class, name=school_class.name,
                 wave=school_class.wave_id, school=school_class.school_id)
    session.delete(school_class)
    session.flush()
