"""Class lists of a wave from a CSV file: preview, then import.

The CSV has the columns ``school, class, grade, enrolled`` (German headers
``Schule, Klasse, Jahrgang, Schüler`` work too), comma- or semicolon-separated,
UTF-8 or Windows-1252 (as Excel writes it). It is checked whole first; a
file with any bad row imports nothing. Schools are found by name as people
write them, or by school number (:mod:`survey_app.services.school_names`),
with suggestions for names that almost match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import School, SchoolClass, Wave
from survey_app.services import audit
from survey_app.services.csv_upload import UnreadableCsv, csv_rows
from survey_app.services.errors import InvalidInput
from survey_app.services.school_names import SchoolDirectory
from survey_app.services.schools import wave_schools

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


@dataclass
class ClassRow:
    """One row of a class list, with its problems (if any)."""

    line: int
    school: str
    name: str
    grade: str
    enrolled: str
    school_id: int | None = None
    school_name: str | None = None  # the school as the app knows it, when it differs
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


def preview_class_list(session: Session, wave_id: int, text: str) -> ClassListPreview:
    """Check a class list against a wave without changing anything."""
    wave = session.get(Wave, wave_id)
    try:
        rows_in = csv_rows(text)
    except UnreadableCsv as error:
        return ClassListPreview([], [str(error)])
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
    schools = SchoolDirectory(wave_schools(session, wave))
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
        school = _find_school(schools, row)
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


def _find_school(schools: SchoolDirectory, row: ClassRow) -> School | None:
    """The row's school, matched as people write it; a problem on the row if none fits."""
    found = schools.find(row.school)
    if found.school is not None:
        row.school_id = found.school.id
        row.school_name = found.school.name
    elif found.ambiguous:
        row.problems.append(_(
            "school \"%(school)s\" exists in several municipalities of this wave (%(places)s): "
            "please give its school number instead", school=row.school,
            places=", ".join(s.municipality.name for s in found.ambiguous)))
    elif found.suggestions:
        row.problems.append(_("unknown school \"%(school)s\" (not in this wave's area); did "
                              "you mean %(names)s?", school=row.school,
                              names=" / ".join(found.suggestions)))
    else:
        row.problems.append(_("unknown school \"%(school)s\" (not in this wave's area)",
                              school=row.school))
    return found.school


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
