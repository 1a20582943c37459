"""Regions, municipalities and districts, including the GeoJSON district import.

An import is checked whole before anything is written: a file with one bad
feature changes nothing, and every problem is reported with the feature's
number and name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from survey_app.models import (Answer, District, Municipality, Region, Response, School,
                               Wave, staff_municipalities)
from survey_app.services import audit
from survey_app.services.errors import InvalidInput

NAME_KEYS = ("name", "Name", "NAME", "stadtteil", "Stadtteil", "bezirk", "Bezirk")
CODE_KEYS = ("code", "Code", "CODE", "id", "nr", "Nr")


def create_region(session: Session, actor_id: int, name: str) -> Region:
    """Add a region; its name must be new."""
    name = name.strip()
    if session.scalar(select(Region).where(Region.name == name)):
        raise InvalidInput(_("A region with this name exists already."), field="name")
    region = Region(name=name)
    session.add(region)
    session.flush()
    audit.record(session, actor_id, "region.create", region, name=name)
    return region


def create_municipality(session: Session, actor_id: int, region_id: int,
                        name: str) -> Municipality:
    """Add a municipality to a region; names are unique within the region."""
    name = name.strip()
    if session.get(Region, region_id) is None:
        raise InvalidInput(_("Unknown region."), field="region_id")
    if session.scalar(select(Municipality).filter_by(region_id=region_id, name=name)):
        raise InvalidInput(_("This region has a municipality of this name already."),
                           field="name")
    municipality = Municipality(region_id=region_id, name=name)
    session.add(municipality)
    session.flush()
    audit.record(session, actor_id, "municipality.create", municipality, name=name)
    return municipality


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


# --- Corrections and deletions -------------------------------------------------------------
#
# Every function checks the dependent records first and raises InvalidInput with a message
# naming them; the database's RESTRICT foreign keys are only the last line of defence.


def _region(session: Session, region_id: int) -> Region:
    region = session.get(Region, region_id)
    if region is None:
        raise InvalidInput(_("Unknown region."))
    return region


def _municipality(session: Session, municipality_id: int) -> Municipality:
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise InvalidInput(_("Unknown municipality."))
    return municipality


def _district(session: Session, district_id: int) -> District:
    district = session.get(District, district_id)
    if district is None:
        raise InvalidInput(_("Unknown district."))
    return district


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery()))


def update_region(session: Session, actor_id: int, region_id: int, name: str) -> Region:
    """Rename a region; its name must stay unique."""
    region = _region(session, region_id)
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidInput(_("The name must have 1 to 120 characters."), field="name")
    if session.scalar(select(Region).where(Region.name == name, Region.id != region.id)):
        raise InvalidInput(_("A region with this name exists already."), field="name")
    previous, region.name = region.name, name
    session.flush()
    audit.record(session, actor_id, "region.update", region, name=name, previous=previous)
    return region


def delete_region(session: Session, actor_id: int, region_id: int) -> None:
    """Delete a region without municipalities and waves."""
    region = _region(session, region_id)
    municipalities = _count(session, select(Municipality.id).filter_by(region_id=region.id))
    if municipalities:
        raise InvalidInput(_("The region cannot be deleted: it has %(n)d municipalities. "
                             "Delete or move them first.", n=municipalities))
    waves = _count(session, select(Wave.id).filter_by(region_id=region.id))
    if waves:
        raise InvalidInput(_("The region cannot be deleted: %(n)d waves cover it.", n=waves))
    audit.record(session, actor_id, "region.delete", region, name=region.name)
    session.delete(region)
    session.flush()


def update_municipality(session: Session, actor_id: int, municipality_id: int,
                        name: str) -> Municipality:
    """Rename a municipality; names stay unique within the region."""
    municipality = _municipality(session, municipality_id)
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidInput(_("The name must have 1 to 120 characters."), field="name")
    if session.scalar(select(Municipality).where(
            Municipality.region_id == municipality.region_id, Municipality.name == name,
            Municipality.id != municipality.id)):
        raise InvalidInput(_("This region has a municipality of this name already."),
                           field="name")
    previous, municipality.name = municipality.name, name
    session.flush()
    audit.record(session, actor_id, "municipality.update", municipality, name=name,
                 previous=previous)
    return municipality


def delete_municipality(session: Session, actor_id: int, municipality_id: int) -> None:
    """Delete a municipality without schools, districts, waves and planner accounts."""
    municipality = _municipality(session, municipality_id)
    mid = municipality.id
    dependents = (
        (select(School.id).filter_by(municipality_id=mid),
         lambda n: _("The municipality cannot be deleted: it has %(n)d schools.", n=n)),
        (select(District.id).filter_by(municipality_id=mid),
         lambda n: _("The municipality cannot be deleted: it has %(n)d districts.", n=n)),
        (select(Wave.id).filter_by(municipality_id=mid),
         lambda n: _("The municipality cannot be deleted: %(n)d waves cover it.", n=n)),
        (select(staff_municipalities.c.user_id).where(
            staff_municipalities.c.municipality_id == mid),
         lambda n: _("The municipality cannot be deleted: %(n)d planner accounts are assigned "
                     "to it. Change those accounts first.", n=n)),
    )
    for query, message in dependents:
        n = _count(session, query)
        if n:
            raise InvalidInput(message(n))
    audit.record(session, actor_id, "municipality.delete", municipality,
                 name=municipality.name, region=municipality.region_id)
    session.delete(municipality)
    session.flush()


def update_district(session: Session, actor_id: int, district_id: int, code: str,
                    name: str) -> District:
    """Correct a district's code and name; both stay unique within the municipality."""
    district = _district(session, district_id)
    code, name = code.strip(), name.strip()
    if not code or len(code) > 40:
        raise InvalidInput(_("The code must have 1 to 40 characters."), field="code")
    if not name or len(name) > 120:
        raise InvalidInput(_("The name must have 1 to 120 characters."), field="name")
    siblings = select(District).where(District.municipality_id == district.municipality_id,
                                      District.id != district.id)
    if session.scalar(siblings.where(District.code == code)):
        raise InvalidInput(_("This municipality has a district with this code already."),
                           field="code")
    if session.scalar(siblings.where(func.lower(District.name) == name.lower())):
        raise InvalidInput(_("This municipality has a district of this name already."),
                           field="name")
    previous = {"code": district.code, "name": district.name}
    district.code, district.name = code, name
    session.flush()
    audit.record(session, actor_id, "district.update", district, code=code, name=name,
                 previous=previous)
    return district


def district_answer_count(session: Session, district: District) -> int:
    """Answers of the waves covering the district's municipality that hold its id.

    A district answer stores the district's id. Without knowing which items are
    district items this counts any answer with that value, so it may refuse a
    deletion too often, never too rarely.
    """
    municipality = district.municipality
    waves = select(Wave.id).where(or_(Wave.municipality_id == municipality.id,
                                      Wave.region_id == municipality.region_id))
    return _count(session, select(Answer.id).join(Response).where(
        Response.wave_id.in_(waves), Answer.value == str(district.id)))


def delete_district(session: Session, actor_id: int, district_id: int) -> None:
    """Delete a district that no pupil has chosen in any wave."""
    district = _district(session, district_id)
    answers = district_answer_count(session, district)
    if answers:
        raise InvalidInput(_("The district cannot be deleted: pupils chose it in %(n)d "
                             "answers. Rename it instead.", n=answers))
    audit.record(session, actor_id, "district.delete", district, code=district.code,
                 name=district.name, municipality=district.municipality_id)
    session.delete(district)
    session.flush()
