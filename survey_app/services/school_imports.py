"""A municipality's schools from a CSV list: names, school numbers (Schulnummer), school types.

School offices keep their schools in spreadsheets; this adds the schools a
list has and updates those the municipality has already (found by school
number, else by name as people write it). Columns: ``Schule`` (or ``name``),
optional ``Schulnummer`` (``number``) and ``Schulform`` (``type``), whose
values may be written as the school office writes them ("Gymnasium",
"Förderschule", "GE"). An empty number or type keeps what is stored; a school
found by its number takes the list's name. The file is checked whole; one bad
line imports nothing.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.labels import label
from survey_app.models import Municipality, School
from survey_app.models.schools import SCHOOL_TYPES
from survey_app.services import audit
from survey_app.services.csv_upload import UnreadableCsv, csv_rows
from survey_app.services.errors import InvalidInput
from survey_app.services.school_names import SchoolDirectory, normalise_name
from survey_app.services.schools import NUMBER_PATTERN, clean_number, school_problem

ALIASES = {
    "schule": "name", "school": "name", "name": "name", "schulname": "name",
    "school name": "name", "bezeichnung": "name",
    "schulnummer": "number", "school number": "number", "number": "number", "nummer": "number",
    "nr": "number", "schul nr": "number",
    "schulform": "type", "schultyp": "type", "schulart": "type", "school type": "type",
    "type": "type", "typ": "type",
}
#: How school offices write the types (after normalise_name), besides the stored keys.
TYPE_WORDS = {
    "gs": "grundschule", "primary school": "grundschule", "primary": "grundschule",
    "hs": "hauptschule", "rs": "realschule", "sk": "sekundarschule", "sek": "sekundarschule",
    "ge": "gesamtschule", "comprehensive school": "gesamtschule", "gy": "gymnasium",
    "gym": "gymnasium", "foerderschule": "foerderschule", "fs": "foerderschule",
    "foes": "foerderschule", "foerderzentrum": "foerderschule",
    "special needs school": "foerderschule", "bk": "berufskolleg",
    "berufsschule": "berufskolleg", "vocational college": "berufskolleg",
    "andere": "other", "sonstige": "other", "andere schulform": "other",
    "other school type": "other",
}
MAX_ROWS = 2000


def parse_school_type(text: str) -> str | None:
    """The stored key of a school type as written in a list.

    ``""`` for a type not known, ``None`` for an empty cell.
    """
    key = normalise_name(text)
    if not key:
        return None
    if key in SCHOOL_TYPES:
        return key
    return TYPE_WORDS.get(key, "")


def _rows(text: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """``(line, {"name", "number", "type"})`` per data line, and problems with the file."""
    try:
        lines = csv_rows(text)
    except UnreadableCsv as error:
        return [], [str(error)]
    if not lines:
        return [], [_("The file is empty.")]
    header = [ALIASES.get(normalise_name(cell)) for cell in lines[0]]
    named = [h for h in header if h]
    if "name" not in named or len(set(named)) != len(named):
        return [], [_("The first line must name the columns Schule (the school's name), and "
                      "optionally Schulnummer and Schulform (found: %(found)s).",
                      found=", ".join(cell.strip() for cell in lines[0]))]
    if len(lines) - 1 > MAX_ROWS:
        return [], [_("The file has more than %(n)d rows.", n=MAX_ROWS)]
    rows = []
    for line, cells in enumerate(lines[1:], start=2):
        values = {"name": "", "number": "", "type": ""}
        for column, cell in zip(header, cells):
            if column:
                values[column] = cell.strip()
        rows.append((line, values))
    if not rows:
        return [], [_("The file has a header but no schools.")]
    return rows, []


def _line_problems(line: int, values: dict, seen_names: dict, seen_numbers: dict) -> list[str]:
    problems = []
    if not values["name"] or len(values["name"]) > 160:
        problems.append(_("the school name must have 1 to 160 characters"))
    number = clean_number(values["number"])
    if number is not None and not NUMBER_PATTERN.fullmatch(number):
        problems.append(_("school number \"%(number)s\" may have up to 20 letters and digits",
                          number=number))
    if parse_school_type(values["type"]) == "":
        problems.append(_("unknown school type \"%(type)s\" (known: %(known)s)",
                          type=values["type"], known=", ".join(label(t) for t in SCHOOL_TYPES)))
    key = normalise_name(values["name"])
    if key and key in seen_names:
        problems.append(_("the school occurs twice in the file (line %(other)d)",
                          other=seen_names[key]))
    if number and number in seen_numbers:
        problems.append(_("school number %(number)s occurs twice in the file (line %(other)d)",
                          number=number, other=seen_numbers[number]))
    seen_names.setdefault(key, line)
    if number:
        seen_numbers.setdefault(number, line)
    return [_("Line %(line)d: %(problem)s", line=line, problem=p) for p in problems]


def import_schools(session: Session, actor_id: int | None, municipality_id: int,
                   text: str) -> tuple[int, int]:
    """Add and update a municipality's schools from a list; ``(added, updated)``.

    Raises :class:`InvalidInput` listing every problem; the caller rolls back.
    """
    if session.get(Municipality, municipality_id) is None:
        raise InvalidInput(_("Unknown municipality."), field="municipality_id")
    rows, problems = _rows(text)
    seen_names: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    for line, values in rows:
        problems += _line_problems(line, values, seen_names, seen_numbers)
    if problems:
        raise InvalidInput(_("The file was not imported; nothing was changed."), field="file",
                           problems=problems)
    existing = list(session.scalars(select(School).where(
        School.municipality_id == municipality_id)))
    by_name = SchoolDirectory(existing)
    by_number = {s.number: s for s in existing if s.number}
    added = updated = 0
    for line, values in rows:
        number = clean_number(values["number"])
        school_type = parse_school_type(values["type"])
        # Found by number, the list's name is the new name; found by name, the stored
        # spelling stays (lists are typed less carefully than the school register).
        school = by_number.get(number) if number else None
        name = values["name"]
        if school is None:
            school = by_name.find(name).school
            name = school.name if school is not None else name
        if school is None:
            school = School(municipality_id=municipality_id, name=name)
        new_values = (name, number or school.number, school_type or school.school_type)
        problem = school_problem(session, municipality_id, *new_values, school_id=school.id)
        if problem:
            problems.append(_("Line %(line)d: %(problem)s", line=line, problem=problem[1]))
            continue
        if school.id is None:
            added += 1
            session.add(school)
        elif (school.name, school.number, school.school_type) != new_values:
            updated += 1
        school.name, school.number, school.school_type = new_values
        session.flush()
    if problems:
        raise InvalidInput(_("The file was not imported; nothing was changed."), field="file",
                           problems=problems)
    audit.record(session, actor_id, "schools.import", session.get(Municipality, municipality_id),
                 added=added, updated=updated)
    return added, updated
