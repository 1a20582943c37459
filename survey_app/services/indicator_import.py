"""District indicators from a CSV file: preview with a report per row, then import.

The CSV has the columns ``municipality, district, indicator, year, value``
(German headers ``Kommune, Stadtteil, Indikator, Jahr, Wert`` work too),
comma-, semicolon- or tab-separated, UTF-8 or Windows-1252; a value may use a
decimal comma (``12,5``). A district is found by its code or its name within
the municipality. The file is checked whole first: a file with any bad row
imports nothing. A value for a district, indicator and year that exists
already is replaced, and the preview says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from flask_babel import format_decimal, gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import District, DistrictIndicator, Municipality
from survey_app.services import audit
from survey_app.services.csv_upload import UnreadableCsv, csv_rows, decode_text
from survey_app.services.errors import InvalidInput

COLUMNS = ("municipality", "district", "indicator", "year", "value")
ALIASES = {
    "municipality": "municipality", "kommune": "municipality", "gemeinde": "municipality",
    "stadt": "municipality", "city": "municipality",
    "district": "district", "stadtteil": "district", "bezirk": "district",
    "sozialraum": "district",
    "indicator": "indicator", "indikator": "indicator", "merkmal": "indicator",
    "year": "year", "jahr": "year",
    "value": "value", "wert": "value",
}
MAX_ROWS = 20000
MAX_NAME = 80
#: The largest value an indicator may have (in absolute value). A district's
#: population, a rate or an average income are far below it; a value near the
#: float limit broke the charts' axes and every page formatting it (issue 12).
MAX_VALUE = 1e12
#: A number as written in a file: ASCII digits, one decimal point, an exponent.
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")


@dataclass
class IndicatorRow:
    """One row of an indicator file, with its problems (if any)."""

    line: int
    municipality: str
    district: str
    indicator: str
    year: str
    value: str
    district_id: int | None = None
    number: float | None = None
    replaces: float | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class IndicatorPreview:
    """What an import would do: the rows, and problems with the file as a whole."""

    rows: list[IndicatorRow]
    file_problems: list[str]

    @property
    def ok(self) -> bool:
        """Whether the whole file can be imported."""
        return bool(self.rows) and not self.file_problems and \
            not any(r.problems for r in self.rows)

    @property
    def replaced(self) -> int:
        """How many rows replace a stored value."""
        return sum(1 for r in self.rows if r.replaces is not None)

    def all_problems(self) -> list[str]:
        """Every problem, file-level first, then ``line N: ...`` per row."""
        out = list(self.file_problems)
        for row in self.rows:
            out += [_("Line %(line)d: %(problem)s", line=row.line, problem=p)
                    for p in row.problems]
        return out


def parse_number(text: str) -> float | None:
    """``12.5``, ``12,5`` or ``1.234,5`` as a finite float; ``None`` if it is none.

    Only ASCII digits: Python's ``float`` also reads ``1_000`` and other
    scripts' digits, which no city's statistics office writes.
    """
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    if not _NUMBER.fullmatch(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def preview_indicators(session: Session, municipality_ids: set[int] | None,
                       text: str) -> IndicatorPreview:
    """Check an indicator file without changing anything.

    ``municipality_ids`` are the municipalities the importing user may
    change (``None``: all); a row of another municipality is refused like
    an unknown one, so that the report reveals nothing about it.
    """
    try:
        rows_in = csv_rows(text)  # read like every other uploaded list
    except UnreadableCsv as error:
        return IndicatorPreview([], [str(error)])
    if not rows_in:
        return IndicatorPreview([], [_("The file is empty.")])
    header = [ALIASES.get(cell.strip().lower().lstrip("\ufeff")) for cell in rows_in[0]]
    named = [h for h in header if h]
    if any(c not in header for c in COLUMNS) or len(set(named)) != len(named):
        return IndicatorPreview([], [_(
            "The first line must name the columns municipality, district, indicator, year, "
            "value (found: %(found)s).", found=", ".join(c.strip() for c in rows_in[0]))])
    if len(rows_in) - 1 > MAX_ROWS:
        return IndicatorPreview([], [_("The file has more than %(n)d rows.", n=MAX_ROWS)])
    index = {name: header.index(name) for name in COLUMNS}
    query = select(Municipality)
    if municipality_ids is not None:
        query = query.where(Municipality.id.in_(municipality_ids))
    municipalities = {m.name.strip().lower(): m for m in session.scalars(query)}
    districts: dict[int, tuple[dict, dict]] = {}
    for district in session.scalars(select(District).where(
            District.municipality_id.in_([m.id for m in municipalities.values()]))):
        by_code, by_name = districts.setdefault(district.municipality_id, ({}, {}))
        by_code[district.code.strip().lower()] = district
        by_name[district.name.strip().lower()] = district
    stored = {(v.district_id, v.indicator, v.year): v.value for v in session.scalars(
        select(DistrictIndicator).where(DistrictIndicator.district_id.in_(
            [d.id for by_code, _n in districts.values() for d in by_code.values()])))}
    seen: set[tuple[int, str, int]] = set()
    rows = []
    for line, cells in enumerate(rows_in[1:], start=2):
        cells = cells + [""] * (len(header) - len(cells))
        values = {c: cells[index[c]].strip() for c in COLUMNS}
        row = IndicatorRow(line, **values)
        rows.append(row)
        _check_row(row, municipalities, districts, stored, seen)
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            row.problems.append(_("the row has more cells than the header"))
    if not rows:
        return IndicatorPreview([], [_("The file has a header but no values.")])
    return IndicatorPreview(rows, [])


def _check_row(row: IndicatorRow, municipalities: dict, districts: dict, stored: dict,
               seen: set) -> None:
    municipality = municipalities.get(row.municipality.lower())
    if municipality is None:
        row.problems.append(_("unknown municipality \"%(name)s\" (or not one of yours)",
                              name=row.municipality))
    else:
        by_code, by_name = districts.get(municipality.id, ({}, {}))
        district = by_code.get(row.district.lower()) or by_name.get(row.district.lower())
        if district is None:
            row.problems.append(_("unknown district \"%(name)s\" in %(municipality)s",
                                  name=row.district, municipality=municipality.name))
        else:
            row.district_id = district.id
    if not row.indicator or len(row.indicator) > MAX_NAME:
        row.problems.append(_("the indicator name must have 1 to %(n)d characters", n=MAX_NAME))
    if not row.year.isdigit() or not 1900 <= int(row.year) <= 2200:
        row.problems.append(_("year \"%(year)s\" is not a year from 1900 to 2200",
                              year=row.year))
    row.number = parse_number(row.value)
    if row.number is None:
        row.problems.append(_("value \"%(value)s\" is not a number", value=row.value))
    elif abs(row.number) > MAX_VALUE:
        row.problems.append(_("value \"%(value)s\" is too large: an indicator is at most "
                              "%(limit)s (plus or minus)", value=row.value,
                              limit=format_decimal(MAX_VALUE, "#,##0")))
    if row.district_id is not None and row.indicator and row.year.isdigit():
        key = (row.district_id, row.indicator, int(row.year))
        if key in seen:
            row.problems.append(_("this district, indicator and year occur twice in the file"))
        seen.add(key)
        row.replaces = stored.get(key)


def import_indicators(session: Session, actor_id: int, municipality_ids: set[int] | None,
                      text: str) -> tuple[int, int]:
    """Store every value of a checked file; all or nothing. Returns (added, replaced)."""
    preview = preview_indicators(session, municipality_ids, text)
    if not preview.ok:
        raise InvalidInput(_("The file was not imported: please correct the problems."),
                           field="file", problems=preview.all_problems())
    existing = {(v.district_id, v.indicator, v.year): v for v in session.scalars(
        select(DistrictIndicator).where(DistrictIndicator.district_id.in_(
            {r.district_id for r in preview.rows})))}
    added = replaced = 0
    for row in preview.rows:
        key = (row.district_id, row.indicator, int(row.year))
        if key in existing:
            existing[key].value = row.number
            existing[key].imported_by_id = actor_id
            replaced += 1
        else:
            session.add(DistrictIndicator(district_id=row.district_id, indicator=row.indicator,
                                          year=int(row.year), value=row.number,
                                          imported_by_id=actor_id))
            added += 1
    session.flush()
    municipalities = sorted({row.municipality for row in preview.rows})
    audit.record(session, actor_id, "indicators.import", None, added=added, replaced=replaced,
                 municipalities=", ".join(municipalities))
    return added, replaced


def decode(data: bytes) -> str:
    """The uploaded bytes as text (UTF-8 or Windows-1252)."""
    return decode_text(data)
