"""The pupil counts a release prints beside its tables, for disclosure control.

The reports say how many questionnaires were analysed (the headline), and Table 1
how many pupils of each school type and grade answered. Each such count, and each
sum of shown rows, is the pupil count of a group: for a measure every pupil of the
group answered, it is that group's published ``n``. Found by attacking the reports
(issue 12): the region total hidden as a complementary cell came back as the
headline, and a school type's rows minus the other schools' ``n`` gave a small
school's pupils. :func:`published_counts` lists every count the release gives away,
in the joint labels of :mod:`survey_app.services.results_tables`; disclosure control
then hides no figure one of them gives back
(``published_counts`` of :func:`analysis.disclosure.apply_disclosure_control`).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import School, SchoolClass
from survey_app.reports.responses import marked_tables
from survey_app.services.results_tables import school_type_label


def published_counts(headline: int | None, tables: dict[str, list] | None,
                     min_group_size: int, schools: dict[int, tuple] | None = None
                     ) -> dict[tuple[str, str], int]:
    """Pupil counts the release publishes beside its tables, in the joint labels.

    ``headline``: the count the release says (``None`` when it says an earlier
    release's); ``tables``: its Table 1 (``None`` when it shows an earlier
    release's); ``schools``: school id to (municipality id, school type,
    grades of its classes, answered). Published are the headline, each
    municipality's and school type's sum of shown rows, and each school whose
    every grade is a shown row no other school of its type shares (a
    Hauptschule of grade 8 only, beside one without it). A sum with hidden
    rows is known too when it is the only unknown part of a known total.
    """
    counts: dict[tuple[str, str], int] = {}
    if headline is not None:
        counts[("all", "all")] = headline
    if tables is None:
        return counts
    marked = marked_tables(tables, min_group_size)
    totals = _known_sums(marked, headline if _adds_up(marked, headline) else None)
    for municipality, rows in marked.items():
        by_type: dict[str, list] = {}
        for row in rows:
            by_type.setdefault(row.school_type or "", []).append(row)
        for school_type, total in _known_sums(by_type, totals.get(municipality)).items():
            counts[("school_type", school_type_label(school_type, municipality))] = total
    counts.update({("school_mun", m): total for m, total in totals.items()})
    counts.update(_known_schools(marked, schools or {}, counts))
    return counts


def _known_schools(marked: dict, schools: dict[int, tuple],
                   counts: dict) -> dict[tuple[str, str], int]:
    """The schools whose pupils Table 1's shown rows add up to (see :func:`published_counts`)."""
    shown = {(m, row.school_type or "", row.grade) for m, rows in marked.items() for row in rows
             if not row.hidden}
    sharing: dict[tuple, int] = {}
    for municipality, school_type, grades, _answered in schools.values():
        for grade in grades:
            key = (municipality, school_type or "", grade)
            sharing[key] = sharing.get(key, 0) + 1
    known, of_type = {}, {}
    for school_id, (municipality, school_type, grades, answered) in schools.items():
        of_type.setdefault((municipality, school_type or ""), []).append(school_id)
        rows = [(municipality, school_type or "", grade) for grade in grades]
        if rows and all(row in shown and sharing[row] == 1 for row in rows):
            known[school_id] = answered
    for (municipality, school_type), members in of_type.items():
        total = counts.get(("school_type", school_type_label(school_type, municipality)))
        unknown = [s for s in members if s not in known]
        if total is not None and len(unknown) == 1:
            known[unknown[0]] = schools[unknown[0]][3]
    return {("school", str(school_id)): answered for school_id, answered in known.items()}


def schools_of_rows(session: Session, wave_id: int, scored: pd.DataFrame) -> dict[int, tuple]:
    """Each school of the wave: municipality id (text), school type, grades of its classes
    and the responses counted (for :func:`published_counts`)."""
    answered = scored["school_id"].astype(int).value_counts().to_dict()
    schools: dict[int, tuple] = {}
    for school_id, municipality_id, school_type, grade in session.execute(
            select(School.id, School.municipality_id, School.school_type, SchoolClass.grade)
            .join(SchoolClass, SchoolClass.school_id == School.id)
            .where(SchoolClass.wave_id == wave_id)):
        entry = schools.setdefault(school_id, (str(municipality_id), school_type, set(),
                                               int(answered.get(school_id, 0))))
        entry[2].add(int(grade))
    return schools


def _adds_up(marked: dict, total: int | None) -> bool:
    return total is not None and sum(r.submitted for rows in marked.values() for r in rows) == total


def _known_sums(parts: dict[str, list], total: int | None) -> dict[str, int]:
    """Each part's sum where none of its rows is hidden, and the one part left of a known total."""
    sums = {key: sum(r.submitted for r in rows) for key, rows in parts.items()
            if not any(r.hidden for r in rows)}
    unknown = [key for key in parts if key not in sums]
    if total is not None and len(unknown) == 1:
        sums[unknown[0]] = total - sum(sums.values())
    return sums
