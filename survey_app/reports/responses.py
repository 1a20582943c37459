"""The wave report's response table (Table 1): enrolled and answered by school type and
grade, and which of its rows must not be shown.

The table is the release's (:mod:`survey_app.services.results_response_table`). Its
rows are sums that other publications also add up: the report says how many
questionnaires the whole wave had (a region's, in a region wave), a municipality's rows
add up to its schools' pupils, and a school type's rows to the pupils of its schools,
whose numbers the coordinators' school results show. Each of these sums could give
back a hidden row as the sum minus the shown rows (found by attacking the reports,
issue 12: a town's 6 pupils from the region's count; a Realschule's 7 sixth-graders
from its one school's number). So the hidden rows are topped up within each school
type of a municipality, then within each municipality, then across the wave, until
every such sum of hidden rows is 0 or holds at least K pupils.

The other way round, the sums of shown rows are counts the results must not contradict:
a school type's shown rows minus the other schools' ``n`` gave a small school's pupils.
The sums the shown rows publish are passed to disclosure control when the results are
computed (:func:`survey_app.services.results_counts.published_counts`), so that it hides no
figure they give back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import School
from survey_app.services import monitoring
from survey_app.services import results_response_table as response_table


@dataclass
class ResponseRow:
    school_type: str | None
    grade: int
    enrolled: int
    submitted: int
    hidden: bool = False

    def rate(self, threshold: int) -> float | None:
        """The response rate, or ``None`` where the row is hidden (:func:`hide_small_rows`)."""
        if self.hidden or self.submitted < threshold or self.enrolled < threshold:
            return None
        return self.submitted / self.enrolled


def response_rows(session: Session, content) -> list[ResponseRow]:
    """The municipality's rows of the release's table (``content``: a
    :class:`~survey_app.reports.content.WaveContent`), with the rows that must not be
    shown marked (:func:`hide_small_rows`, over all municipalities of the wave)."""
    stored = response_table.stored_tables(content.result_set)
    tables = _rows_of(stored) if stored is not None else _live_tables(session, content.wave.id)
    _hide_in_wave(tables, content.result_set.min_group_size)
    return tables.get(str(content.municipality.id), [])


def marked_tables(stored: dict[str, list[response_table.Row]],
                  threshold: int) -> dict[str, list[ResponseRow]]:
    """Every municipality's rows of a stored table, the hidden ones marked.

    What the shown rows add up to is published by the reports: disclosure control
    must not hide a figure that such a sum gives back
    (:func:`survey_app.services.results_counts.published_counts`).
    """
    tables = _rows_of(stored)
    _hide_in_wave(tables, threshold)
    return tables


def _rows_of(stored: dict[str, list[response_table.Row]]) -> dict[str, list[ResponseRow]]:
    return {municipality: [ResponseRow(*row) for row in rows] for municipality, rows in stored.items()}


def _hide_in_wave(tables: dict[str, list[ResponseRow]], threshold: int) -> None:
    hide_small_rows([row for rows in tables.values() for row in rows], threshold,
                    parts=[part for rows in tables.values() for part in _by_type(rows)]
                    + list(tables.values()))


def hide_small_rows(rows: list[ResponseRow], threshold: int, *,
                    parts: list[list[ResponseRow]] = ()) -> None:
    """Mark the rows of fewer than ``threshold`` pupils, and as many more as protect them.

    ``rows`` add up to a published total, and each of ``parts`` (lists of those
    rows, smallest sums first) to a total that may be known too. One hidden row
    would be such a total minus the shown ones. So, part by part and then over
    all rows, while the hidden rows of a part hold between 1 and ``threshold - 1``
    answers together, its smallest shown row is hidden too. A shown row holds at
    least ``threshold``, so hiding it never undoes an earlier part's protection;
    then only sums of at least ``threshold`` pupils can be worked out.
    """
    for row in rows:
        row.hidden = row.submitted < threshold or row.enrolled < threshold
    for part in [*parts, rows]:
        while 0 < sum(row.submitted for row in part if row.hidden) < threshold:
            shown = [row for row in part if not row.hidden]
            if not shown:
                break
            min(shown, key=lambda row: (row.submitted, row.enrolled)).hidden = True


def _by_type(rows: list[ResponseRow]) -> list[list[ResponseRow]]:
    types: dict[str, list[ResponseRow]] = {}
    for row in rows:
        types.setdefault(row.school_type or "", []).append(row)
    return list(types.values())


def _live_tables(session: Session, wave_id: int) -> dict[str, list[ResponseRow]]:
    """Counted from the classes' code states now, per municipality of the schools: result
    sets computed before the table was kept with them."""
    homes = dict(session.execute(select(School.id, School.municipality_id)).all())
    grouped: dict[tuple, ResponseRow] = {}
    for row in monitoring.class_rows(session, wave_id):
        key = (str(homes[row.school_id]), row.school_type or "", row.grade)
        found = grouped.setdefault(key, ResponseRow(row.school_type, row.grade, 0, 0))
        found.enrolled += row.enrolled
        found.submitted += row.submitted
    tables: dict[str, list[ResponseRow]] = {}
    for key in sorted(grouped):
        tables.setdefault(key[0], []).append(grouped[key])
    return tables
