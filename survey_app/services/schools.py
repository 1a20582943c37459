"""Schools and the classes of a wave: create, correct, delete.

Class lists from CSV files are in :mod:`survey_app.services.class_lists`.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.models import (AccessCode, Municipality, Response, School, SchoolClass, Wave,
                               staff_schools)
from survey_app.models.schools import SCHOOL_TYPES
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


NUMBER_PATTERN = re.compile(r"[0-9A-Za-z]{1,20}")


def clean_number(number: str | None) -> str | None:
    """A school number as stored: surrounding space removed, empty means none."""
    number = (number or "").strip()
    return number or None


def school_problem(session: Session, municipality_id: int, name: str, number: str | None,
                   school_type: str | None,
                   school_id: int | None = None) -> tuple[str, str] | None:
    """``(field, message)`` of the first problem with a school's data, or ``None``.

    Names and school numbers are unique within a municipality (``school_id``
    is the school being corrected, which may keep its own).
    """
    if not name or len(name) > 160:
        return "name", _("The school name must have 1 to 160 characters.")
    others = select(School.id).where(School.municipality_id == municipality_id,
                                     School.id != (school_id or -1))
    if session.scalar(others.where(School.name == name)):
        return "name", _("This municipality has a school of this name already.")
    if number is not None:
        if not NUMBER_PATTERN.fullmatch(number):
            return "number", _("The school number may have up to 20 letters and digits.")
        other = session.scalar(select(School).where(
            School.municipality_id == municipality_id, School.number == number,
            School.id != (school_id or -1)))
        if other is not None:
            return "number", _("%(school)s has the school number %(number)s already.",
                               school=other.name, number=number)
    if school_type is not None and school_type not in SCHOOL_TYPES:
        return "school_type", _("Unknown school type.")
    return None


def create_school(session: Session, actor_id: int | None, municipality_id: int, name: str,
                  number: str | None = None, school_type: str | None = None) -> School:
    """Add a school; names and school numbers are unique within a municipality."""
    name, number, school_type = name.strip(), clean_number(number), school_type or None
    if session.get(Municipality, municipality_id) is None:
        raise InvalidInput(_("Unknown municipality."), field="municipality_id")
    problem = school_problem(session, municipality_id, name, number, school_type)
    if problem:
        raise InvalidInput(problem[1], field=problem[0])
    school = School(municipality_id=municipality_id, name=name, number=number,
                    school_type=school_type)
    session.add(school)
    session.flush()
    audit.record(session, actor_id, "school.create", school, name=name, number=number,
                 school_type=school_type)
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


def update_school(session: Session, actor_id: int | None, school_id: int, name: str,
                  number: str | None = None, school_type: str | None = None) -> School:
    """Correct a school's name, school number and type (unique within the municipality)."""
    school = session.get(School, school_id)
    if school is None:
        raise InvalidInput(_("Unknown school."))
    name, number, school_type = name.strip(), clean_number(number), school_type or None
    problem = school_problem(session, school.municipality_id, name, number, school_type,
                             school.id)
    if problem:
        raise InvalidInput(problem[1], field=problem[0])
    previous = {"name": school.name, "number": school.number,
                "school_type": school.school_type}
    school.name, school.number, school.school_type = name, number, school_type
    session.flush()
    audit.record(session, actor_id, "school.update", school, name=name, number=number,
                 school_type=school_type, previous=previous)
    return school


def delete_school(session: Session, actor_id: int, school_id: int) -> None:
    """Delete a school without classes and without coordinator accounts."""
    school = session.get(School, school_id)
    if school is None:
        raise InvalidInput(_("Unknown school."))
    classes = session.scalar(select(func.count(SchoolClass.id)).where(
        SchoolClass.school_id == school.id))
    if classes:
        raise InvalidInput(ngettext("The school cannot be deleted: it has %(num)d class in a "
                                    "wave.", "The school cannot be deleted: it has %(num)d "
                                    "classes in waves.", classes))
    accounts = session.scalar(select(func.count()).select_from(staff_schools).where(
        staff_schools.c.school_id == school.id))
    if accounts:
        raise InvalidInput(ngettext(
            "The school cannot be deleted: %(num)d coordinator account is assigned to it. "
            "Change that account first.",
            "The school cannot be deleted: %(num)d coordinator accounts are assigned to it. "
            "Change those accounts first.", accounts))
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
        raise InvalidInput(ngettext(
            "The class cannot be deleted: a pupil has answered with %(num)d of its codes.",
            "The class cannot be deleted: pupils have answered with %(num)d of its codes.",
            responses))
    codes = session.scalar(select(func.count(AccessCode.id)).where(
        AccessCode.class_id == school_class.id))
    if codes:
        raise InvalidInput(ngettext(
            "The class cannot be deleted: %(num)d code slip was printed for it. Void its "
            "unused codes and close it instead.",
            "The class cannot be deleted: %(num)d code slips were printed for it. Void its "
            "unused codes and close it instead.", codes))
    audit.record(session, actor_id, "class.delete", school_class, name=school_class.name,
                 wave=school_class.wave_id, school=school_class.school_id)
    session.delete(school_class)
    session.flush()
