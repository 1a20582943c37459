"""Schools and the classes of a wave, one by one or from a CSV class list.

The CSV has the columns ``school, class, grade, enrolled`` (German headers
``Schule, Klasse, Jahrgang, Schüler`` work too), comma- or semicolon-separated,
UTF-8 or Windows-1252 (as Excel writes it). It is checked whole first; a
file with any bad row imports nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.models import (AccessCode, Municipality, Response, School, SchoolClass, Wave,
                               staff_schools)
from survey_app.services import audit
from survey_app.services.errors import InvalidInput

COLUMNS = ("school", "class", "grade", "enrolled")
ALIASES = {
    "school": "school", "schule": "school",
    "class": "class", "klasse": "class",
    "grade": "grade", "jahrgang": "grade", "jahrgangsstufe": "grade", "stufe": "grade",
    "enrolled": "enrolled", "pupils": "enrolled", "pupils enrolled": "enrolled",
    "schüler": "enrolled", "schueler": "enrolled", "schülerzahl": "enrolled",
    "anzahl": "enrolled",
}
MAX_ROWS = 5000


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


@dataclass
class ClassRow:
    """One row of a class list, with its problems (if any)."""

    line: int
    school: str
    name: str
    grade: str
    enrolled: str
    school_id: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class ClassListPreview:
    """What an import would do: the rows, and problems with the file as a whole."""

    rows: list[ClassRow]
    file_problems: list[str]

    @property
    def ok(self) -> bool:
        """Whether the whole file can be imported."""
        return bool(self.rows) and not self.file_problems and \
            not any(r.problems for r in self.rows)

    def all_problems(self) -> list[str]:
        """Every problem, file-level first, then ``line N: ...`` per row."""
        out = list(self.file_problems)
        for row in self.rows:
            out += [_("Line %(line)d: %(problem)s", line=row.line, problem=p)
                    for p in row.problems]
        return out


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as older Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _reader(text: str) -> csv.reader:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else \
        ("\t" if first.count("\t") > first.count(",") else ",")
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def preview_class_list(session: Session, wave_id: int, text: str) -> ClassListPreview:
    """Check a class list against a wave without changing anything."""
    wave = session.get(Wave, wave_id)
    rows_in = [r for r in _reader(text) if any(cell.strip() for cell in r)]
    if not rows_in:
        return ClassListPreview([], [_("The file is empty.")])
    header = [ALIASES.get(cell.strip().lower()) for cell in rows_in[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing or len(set(h for h in header if h)) != len([h for h in header if h]):
        return ClassListPreview([], [_(
            "The first line must name the columns school, class, grade, enrolled "
            "(found: %(found)s).", found=", ".join(c.strip() for c in rows_in[0]))])
    if len(rows_in) - 1 > MAX_ROWS:
        return ClassListPreview([], [_("The file has more than %(n)d rows.", n=MAX_ROWS)])
    index = {name: header.index(name) for name in COLUMNS}
    schools = {s.name.strip().lower(): s for s in wave_schools(session, wave)}
    existing = set(session.execute(select(SchoolClass.school_id, SchoolClass.name)
                                   .where(SchoolClass.wave_id == wave.id)).all())
    seen: set[tuple[int, str]] = set()
    rows = []
    for line, cells in enumerate(rows_in[1:], start=2):
        cells = cells + [""] * (len(header) - len(cells))
        values = {c: cells[index[c]].strip() for c in COLUMNS}
        row = ClassRow(line, values["school"], values["class"], values["grade"],
                       values["enrolled"])
        rows.append(row)
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            row.problems.append(_("the row has more cells than the header"))
        school = schools.get(row.school.lower())
        if school is None:
            row.problems.append(_("unknown school \"%(school)s\" (not in this wave's area)",
                                  school=row.school))
        else:
            row.school_id = school.id
        if not row.name or len(row.name) > 40:
            row.problems.append(_("the class name must have 1 to 40 characters"))
        if not row.grade.isdigit() or not wave.grade_min <= int(row.grade) <= wave.grade_max:
            row.problems.append(_("grade \"%(grade)s\" is not a whole number from %(lo)d to "
                                  "%(hi)d", grade=row.grade, lo=wave.grade_min,
                                  hi=wave.grade_max))
        if row.enrolled and (not row.enrolled.isdigit() or int(row.enrolled) > 200):
            row.problems.append(_("pupils enrolled \"%(n)s\" is not a whole number from 0 "
                                  "to 200", n=row.enrolled))
        if school is not None and row.name:
            key = (school.id, row.name)
            if key in existing:
                row.problems.append(_("class %(name)s of %(school)s is already part of this "
                                      "wave", name=row.name, school=school.name))
            elif key in seen:
                row.problems.append(_("class %(name)s of %(school)s occurs twice in the file",
                                      name=row.name, school=school.name))
            seen.add(key)
    if not rows:
        return ClassListPreview([], [_("The file has a header but no classes.")])
    return ClassListPreview(rows, [])


def import_class_list(session: Session, actor_id: int, wave_id: int, text: str) -> int:
    """Add every class of a checked class list; all or nothing. Returns the count."""
    preview = preview_class_list(session, wave_id, text)
    if not preview.ok:
        raise InvalidInput(_("The file was not imported: please correct the problems."),
                           field="file", problems=preview.all_problems())
    for row in preview.rows:
        session.add(SchoolClass(wave_id=wave_id, school_id=row.school_id, name=row.name,
                                grade=int(row.grade),
                                enrolled=int(row.enrolled) if row.enrolled else None))
    session.flush()
    audit.record(session, actor_id, "classes.import", session.get(Wave, wave_id),
                 classes=len(preview.rows))
    return len(preview.rows)


# --- Corrections and deletions -------------------------------------------------------------


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
