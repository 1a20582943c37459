"""The GeoJSON district import.

An import is checked whole before anything is written: a file with one bad
feature changes nothing, and every problem is reported with the feature's
number and name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey_app.models import District, Municipality
from survey_app.services import audit
from survey_app.services.errors import InvalidInput

NAME_KEYS = ("name", "Name", "NAME", "stadtteil", "Stadtteil", "bezirk", "Bezirk")
CODE_KEYS = ("code", "Code", "CODE", "id", "nr", "Nr")


@dataclass(frozen=True)
class DistrictFeature:
    """One valid feature of an uploaded file."""

    code: str | None
    name: str
    geometry: str


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
            return _("a position is outside longitude/latitude range (WGS 84 expected)")
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


def _first(properties: dict, keys: tuple[str, ...]):
    for key in keys:
        value = properties.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return None


def parse_districts(data: bytes) -> tuple[list[DistrictFeature], list[str]]:
    """Read a GeoJSON FeatureCollection; return the features and every problem found."""
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return [], [_("The file is not UTF-8 text.")]
    except json.JSONDecodeError as error:
        return [], [_("The file is not valid JSON (line %(line)d, column %(col)d: %(msg)s).",
                      line=error.lineno, col=error.colno, msg=error.msg)]
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        return [], [_("The file is not a GeoJSON FeatureCollection.")]
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        return [], [_("The FeatureCollection has no features.")]
    found, problems = [], []
    names: set[str] = set()
    codes: set[str] = set()
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(_("Feature %(n)d: not a GeoJSON Feature.", n=number))
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        name = _first(properties, NAME_KEYS)
        code = _first(properties, CODE_KEYS)
        label = name or "?"
        if not name:
            problems.append(_("Feature %(n)d: it has no \"name\" property.", n=number))
        elif len(name) > 120:
            problems.append(_("Feature %(n)d (%(name)s): the name is longer than 120 characters.",
                              n=number, name=label[:40]))
        elif name.lower() in names:
            problems.append(_("Feature %(n)d (%(name)s): this name occurs twice in the file.",
                              n=number, name=label))
        if code is not None:
            if len(code) > 40:
                problems.append(_("Feature %(n)d (%(name)s): the code is longer than 40 "
                                  "characters.", n=number, name=label))
            elif code in codes:
                problems.append(_("Feature %(n)d (%(name)s): code %(code)s occurs twice in the "
                                  "file.", n=number, name=label, code=code))
            codes.add(code)
        geometry_problem = _geometry_problem(feature.get("geometry"))
        if geometry_problem:
            problems.append(_("Feature %(n)d (%(name)s): %(problem)s.", n=number, name=label,
                              problem=geometry_problem))
        if name:
            names.add(name.lower())
            found.append(DistrictFeature(code, name, json.dumps(feature.get("geometry"),
                                                                 separators=(",", ":"))))
    return found, problems


def import_districts(session: Session, actor_id: int, municipality_id: int,
                     data: bytes) -> tuple[int, int]:
    """Add or update the districts of a municipality from a GeoJSON file.

    A feature matches an existing district by its code, or by its name when
    it has no code. Returns (added, updated). Raises :class:`InvalidInput`
    with every problem and changes nothing if any feature is bad.
    """
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise InvalidInput(_("Unknown municipality."))
    features, problems = parse_districts(data)
    existing = list(municipality.districts)
    by_code = {d.code: d for d in existing}
    by_name = {d.name.lower(): d for d in existing}
    plan: list[tuple[District | None, DistrictFeature]] = []
    for feature in features:
        target = by_code.get(feature.code) if feature.code else by_name.get(feature.name.lower())
        other = by_name.get(feature.name.lower())
        if other is not None and other is not target:
            problems.append(_("District %(name)s exists already with code %(code)s.",
                              name=feature.name, code=other.code))
        plan.append((target, feature))
    if problems:
        raise InvalidInput(_("The file was not imported: %(n)d problem(s).", n=len(problems)),
                           field="file", problems=problems)
    used = set(by_code) | {f.code for f in features if f.code}
    next_number, added, updated = 1, 0, 0
    for target, feature in plan:
        if target is None:
            code = feature.code
            while code is None:
                candidate = f"{next_number:02d}"
                next_number += 1
                if candidate not in used:
                    code = candidate
            used.add(code)
            session.add(District(municipality_id=municipality.id, code=code, name=feature.name,
                                 geometry=feature.geometry))
            added += 1
        else:
            target.name, target.geometry = feature.name, feature.geometry
            updated += 1
    session.flush()
    audit.record(session, actor_id, "districts.import", municipality, added=added,
                 updated=updated)
    return added, updated
