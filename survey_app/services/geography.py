"""Regions, municipalities and districts: create, correct, delete.

The GeoJSON import of districts is in :mod:`survey_app.services.district_import`.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from survey_app.models import (Answer, District, Municipality, Region, Response, School,
                               Wave, staff_municipalities, staff_regions)
from survey_app.services import audit
from survey_app.services.errors import InvalidInput


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
        raise InvalidInput(ngettext(
            "The region cannot be deleted: it has %(num)d municipality. Delete or move it "
            "first.", "The region cannot be deleted: it has %(num)d municipalities. Delete or "
            "move them first.", municipalities))
    waves = _count(session, select(Wave.id).filter_by(region_id=region.id))
    if waves:
        raise InvalidInput(ngettext("The region cannot be deleted: %(num)d wave covers it.",
                                    "The region cannot be deleted: %(num)d waves cover it.",
                                    waves))
    planners = _count(session, select(staff_regions.c.user_id).where(
        staff_regions.c.region_id == region.id))
    if planners:
        raise InvalidInput(ngettext(
            "The region cannot be deleted: %(num)d planner account is assigned to it. "
            "Change that account first.",
            "The region cannot be deleted: %(num)d planner accounts are assigned to it. "
            "Change those accounts first.", planners))
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
         lambda n: ngettext("The municipality cannot be deleted: it has %(num)d school.",
                            "The municipality cannot be deleted: it has %(num)d schools.", n)),
        (select(District.id).filter_by(municipality_id=mid),
         lambda n: ngettext("The municipality cannot be deleted: it has %(num)d district.",
                            "The municipality cannot be deleted: it has %(num)d districts.",
                            n)),
        (select(Wave.id).filter_by(municipality_id=mid),
         lambda n: ngettext("The municipality cannot be deleted: %(num)d wave covers it.",
                            "The municipality cannot be deleted: %(num)d waves cover it.", n)),
        (select(staff_municipalities.c.user_id).where(
            staff_municipalities.c.municipality_id == mid),
         lambda n: ngettext("The municipality cannot be deleted: %(num)d planner account is "
                            "assigned to it. Change that account first.",
                            "The municipality cannot be deleted: %(num)d planner accounts are "
                            "assigned to it. Change those accounts first.", n)),
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
        raise InvalidInput(ngettext(
            "The district cannot be deleted: a pupil chose it in %(num)d answer. Rename it "
            "instead.", "The district cannot be deleted: pupils chose it in %(num)d answers. "
            "Rename it instead.", answers))
    audit.record(session, actor_id, "district.delete", district, code=district.code,
                 name=district.name, municipality=district.municipality_id)
    session.delete(district)
    session.flush()
