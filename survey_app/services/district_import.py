"""The district import: choose the fields, check every district, then add or update.

The file is read by :mod:`survey_app.services.district_files` (GeoJSON in any
coordinate system, zipped Shapefile, GeoPackage, CSV); the admin picks which
fields hold the name, the number (e.g. ``STT_NAME``, ``STT_NR``) and the
well-known places, and sees the result on a map before saving. An import is
checked whole before anything is written: a file with one bad feature changes
nothing, and every problem is reported with the feature's number and name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from survey_app.models import District, Municipality
from survey_app.services import audit
from survey_app.services.district_files import DistrictTable
from survey_app.services.errors import InvalidInput

#: Field names that usually hold the district's name / number / places (compared case-blind).
NAME_HINTS = ("name", "stt_name", "stadtteil", "bezirk", "sozialraum", "bez", "stt_bez")
NUMBER_HINTS = ("code", "nr", "stt_nr", "nummer", "number", "id", "stt_id", "schluessel")
PLACES_HINTS = ("places", "orte", "places_de")


@dataclass(frozen=True)
class DistrictFeature:
    """One valid district of an uploaded file."""

    number: str | None
    name: str
    geometry: str | None
    places: tuple[str, ...] | None = None  # None: the file gives no places


@dataclass(frozen=True)
class FieldChoice:
    """Which fields of the file hold the name, the number and the places."""

    name: str | None
    number: str | None = None
    places: str | None = None


def guess_fields(table: DistrictTable) -> FieldChoice:
    """The likely name, number and places fields (the admin may pick others)."""
    def first(hints, exclude=()):
        lowered = {f.lower(): f for f in table.fields if f not in exclude}
        for hint in hints:
            if hint in lowered:
                return lowered[hint]
        for hint in hints:  # e.g. "STT_NAME_LANG", "BEZIRK_NR"
            for low, original in lowered.items():
                if hint in low.split("_") or low.endswith(hint):
                    return original
        return None
    name = first(NAME_HINTS)
    number = first(NUMBER_HINTS, exclude=(name,))
    places = first(PLACES_HINTS, exclude=(name, number))
    return FieldChoice(name, number, places)


def _ring_problem(ring) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return _("a ring needs at least 4 positions")
    for position in ring:
        if (not isinstance(position, list) or len(position) < 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                           for v in position[:2])):
            return _("a position is not a pair of numbers")
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return _("a position is outside longitude/latitude range: choose the coordinate "
                     "system the file uses (e.g. ETRS89 / UTM zone 32N)")
    if ring[0][:2] != ring[-1][:2]:
        return _("a ring is not closed (first and last position differ)")
    return None


def _geometry_problem(geometry) -> str | None:
    if not isinstance(geometry, dict):
        return _("it has no geometry")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates if isinstance(coordinates, list) else None
    else:
        return _("its geometry is a %(kind)s, not a Polygon or MultiPolygon", kind=kind)
    if not polygons:
        return _("its geometry has no coordinates")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return _("its geometry has no coordinates")
        for ring in polygon:
            problem = _ring_problem(ring)
            if problem:
                return problem
    return None


def _places(text: str) -> tuple[str, ...]:
    """Places given as "Hauptbahnhof; Stadtpark; Gesamtschule Nord" (or with "|")."""
    parts = [p.strip() for p in text.replace("|", ";").split(";")]
    return tuple(dict.fromkeys(p[:120] for p in parts if p))[:50]


def plan_districts(table: DistrictTable,
                   fields: FieldChoice) -> tuple[list[DistrictFeature], list[str]]:
    """Check every row of ``table`` with the chosen fields; return the districts and problems."""
    problems = list(table.problems)
    if not fields.name or fields.name not in table.fields:
        return [], problems + [_("Choose the field that holds the district names.")]
    for chosen in (fields.number, fields.places):
        if chosen and chosen not in table.fields:
            return [], problems + [_("The file has no field %(field)s.", field=chosen)]
    found: list[DistrictFeature] = []
    names: set[str] = set()
    numbers: set[str] = set()
    what = _("Row") if table.geometries is None else _("Feature")
    for index, row in enumerate(table.rows):
        n = index + 1
        name = row.get(fields.name, "").strip()
        number = row.get(fields.number, "").strip() if fields.number else ""
        label = name or "?"
        if not name:
            problems.append(_("%(what)s %(n)d: it has no name (field %(field)s is empty).",
                              what=what, n=n, field=fields.name))
        elif len(name) > 120:
            problems.append(_("%(what)s %(n)d (%(name)s): the name is longer than 120 "
                              "characters.", what=what, n=n, name=label[:40]))
        elif name.casefold() in names:
            problems.append(_("%(what)s %(n)d (%(name)s): this name occurs twice in the file.",
                              what=what, n=n, name=label))
        if number:
            if len(number) > 20:
                problems.append(_("%(what)s %(n)d (%(name)s): the number is longer than 20 "
                                  "characters.", what=what, n=n, name=label))
            elif number in numbers:
                problems.append(_("%(what)s %(n)d (%(name)s): number %(number)s occurs twice "
                                  "in the file.", what=what, n=n, name=label, number=number))
            numbers.add(number)
        geometry = None
        if table.geometries is not None:
            raw = table.geometries[index]
            geometry_problem = _geometry_problem(raw)
            if geometry_problem:
                problems.append(_("Feature %(n)d (%(name)s): %(problem)s.", n=n, name=label,
                                  problem=geometry_problem))
            else:
                geometry = json.dumps(raw, separators=(",", ":"))
        places = _places(row.get(fields.places, "")) if fields.places else None
        if name:
            names.add(name.casefold())
            found.append(DistrictFeature(number or None, name, geometry, places))
    return found, problems


def existing_match(existing: list[District], feature: DistrictFeature) -> District | None:
    """The stored district a row updates: the one with its number, else the one with its name.

    Codes are never matched: a code assigned earlier ("01", "02", ...) need not
    be the official number, and matching it could rename the wrong district.
    """
    if feature.number:
        for district in existing:
            if district.number == feature.number:
                return district
    for district in existing:
        if district.name.casefold() == feature.name.casefold():
            return district
    return None


def import_districts(session: Session, actor_id: int, municipality_id: int,
                     table: DistrictTable, fields: FieldChoice) -> tuple[int, int]:
    """Add or update a municipality's districts from a read file, with the chosen fields.

    A row matches an existing district by its number, else by its name. New
    districts take the number as their code when it is free (else the next
    free "01", "02", ...). A file without geometry (CSV) keeps the
    boundaries already stored; one without a places field keeps the places.
    Returns (added, updated). Raises :class:`InvalidInput` with every problem
    and changes nothing if any row is bad.
    """
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise InvalidInput(_("Unknown municipality."))
    features, problems = plan_districts(table, fields)
    existing = list(municipality.districts)
    by_code = {d.code: d for d in existing}
    by_number = {d.number: d for d in existing if d.number}
    by_name = {d.name.casefold(): d for d in existing}
    plan: list[tuple[District | None, DistrictFeature]] = []
    for feature in features:
        target = existing_match(existing, feature)
        other = by_name.get(feature.name.casefold())
        if other is not None and other is not target:
            problems.append(_("District %(name)s exists already with code %(code)s.",
                              name=feature.name, code=other.code))
        clash = by_number.get(feature.number) if feature.number else None
        if clash is not None and clash is not target:
            problems.append(_("Number %(number)s belongs to district %(name)s already.",
                              number=feature.number, name=clash.name))
        plan.append((target, feature))
    if problems:
        raise InvalidInput(ngettext("The file was not imported: %(num)d problem.",
                                    "The file was not imported: %(num)d problems.",
                                    len(problems)),
                           field="file", problems=problems)
    used_codes = set(by_code)
    used = used_codes | {f.number for f in features if f.number}
    next_number, added, updated = 1, 0, 0
    for target, feature in plan:
        if target is None:
            code = feature.number if feature.number and feature.number not in used_codes \
                else None
            while code is None:
                candidate = f"{next_number:02d}"
                next_number += 1
                if candidate not in used:
                    code = candidate
            used.add(code)
            used_codes.add(code)
            target = District(municipality_id=municipality.id, code=code, name=feature.name)
            session.add(target)
            added += 1
        else:
            target.name = feature.name
            updated += 1
        if feature.number:
            target.number = feature.number
        if feature.geometry is not None:
            target.geometry = feature.geometry
        if feature.places is not None:
            target.places = json.dumps(list(feature.places), ensure_ascii=False) \
                if feature.places else None
    session.flush()
    audit.record(session, actor_id, "districts.import", municipality, added=added,
                 updated=updated, format=table.kind, crs=table.crs)
    return added, updated
