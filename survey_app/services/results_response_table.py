"""The response table of a release (enrolled and answered by school type and grade), kept
with the result set.

The wave report's Table 1 was counted from the classes' live code states when the
report was made, not from the release (noticed when attacking the reports, issue
12): after a release, every late submit changed it, so two downloads of the same
release told how many pupils of which school type and grade had come since, and its
rows did not add up to the questionnaires the figures came from. Now the table is
counted from the very answers the results were computed from, and stored in the
result set's notes (``response_table``: municipality id to rows of school type,
grade, enrolled, answered).

A later release of a wave counts its table anew. Where a row's answered count
differs from an earlier release's by 1 to K-1, the new table would tell how many
pupils of that school type and grade came or went; then the tables of the latest
release are kept whole (``response_table_kept``; the report says so), as the
headline count is kept by :func:`survey_app.services.results.responses_to_show`.
Rows of fewer than K are hidden when the table is shown, together with the other
municipalities' rows (:mod:`survey_app.reports.responses`).
"""

from __future__ import annotations

import json
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import Response, ResultSet, School, SchoolClass

#: One row: school type (``None``: not recorded), grade, enrolled, answered.
Row = list


def count_tables(session: Session, wave_id: int, response_keys: Iterable[int],
                 municipality_ids: list[int]) -> dict[str, list[Row]]:
    """Per municipality, enrolled and answered by school type and grade.

    ``response_keys``: the database ids of the responses the results are
    computed from; they count in their class's grade. Enrolment is the
    classes' as the results are computed.
    """
    schools = {school_id: (municipality_id, school_type or "")
               for school_id, municipality_id, school_type in session.execute(
                   select(School.id, School.municipality_id, School.school_type)
                   .where(School.municipality_id.in_(municipality_ids)))}
    counts: dict[tuple, list[int]] = {}

    def row(school_id: int, grade: int) -> list[int]:
        return counts.setdefault((*schools[school_id], int(grade)), [0, 0])

    for school_id, grade, enrolled in session.execute(
            select(SchoolClass.school_id, SchoolClass.grade, SchoolClass.enrolled)
            .where(SchoolClass.wave_id == wave_id, SchoolClass.school_id.in_(schools))):
        row(school_id, grade)[0] += enrolled or 0
    counted = set(response_keys)
    for response_id, school_id, grade in session.execute(
            select(Response.id, SchoolClass.school_id, SchoolClass.grade)
            .join(SchoolClass, SchoolClass.id == Response.class_id)
            .where(Response.wave_id == wave_id, SchoolClass.school_id.in_(schools))):
        if response_id in counted:
            row(school_id, grade)[1] += 1
    tables: dict[str, list[Row]] = {str(m): [] for m in municipality_ids}
    for (municipality_id, school_type, grade), (enrolled, n) in sorted(counts.items()):
        tables[str(municipality_id)].append([school_type or None, grade, enrolled, n])
    return tables


def stored_tables(result_set: ResultSet) -> dict[str, list[Row]] | None:
    """Every municipality's table of the result set (by id as text), or ``None`` for a
    result set computed before tables were kept (the report then counts the live code
    states)."""
    tables = json.loads(result_set.notes or "{}").get("response_table")
    if tables is None:
        return None
    return {municipality: [list(row) for row in rows] for municipality, rows in tables.items()}


def kept_earlier(result_set: ResultSet) -> bool:
    """Whether the result set shows the tables of an earlier release."""
    return bool(json.loads(result_set.notes or "{}").get("response_table_kept"))


def tables_to_show(tables: dict[str, list[Row]], released: list[ResultSet],
                   min_group_size: int) -> tuple[dict[str, list[Row]], bool]:
    """``tables``, or the latest release's where a row's answered count differs from an
    earlier release's by 1 to K-1, and whether they were replaced.

    ``released``: the wave's earlier releases, oldest first. Rows are matched by
    municipality, school type and grade; a row missing on one side counts as 0
    answered. The tables of all municipalities are kept together: the report
    says the whole wave's count, and that minus the tables would otherwise be
    the few pupils of a municipality whose table alone was kept.
    """
    earlier = [t for t in (stored_tables(r) for r in released) if t is not None]
    new = _answered(tables)
    if any(_close(new, _answered(old), min_group_size) for old in earlier):
        return earlier[-1], True
    return tables, False


def _answered(tables: dict[str, list[Row]]) -> dict[tuple, int]:
    return {(municipality, school_type, grade): answered
            for municipality, rows in tables.items()
            for school_type, grade, _enrolled, answered in rows}


def _close(new: dict[tuple, int], old: dict[tuple, int], min_group_size: int) -> bool:
    return any(0 < abs(new.get(key, 0) - old.get(key, 0)) < min_group_size
               for key in set(new) | set(old))
