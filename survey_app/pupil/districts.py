"""The wave's districts for the "where do you live?" question, and a map of them.

The list is sorted as a German reader expects (umlauts with their base
letter, "ß" as "ss", numbers by value: "Stadtteil 2" before "Stadtteil 10"),
and each entry carries the well-known places the city gave for it, for the
search box. The map is an inline SVG drawn on the server from the districts'
GeoJSON (:mod:`survey_app.services.svg_map`): no map tiles are fetched, so
nothing about the pupil leaves the school's connection and the page works
offline. Tapping a district on the map chooses it in the list (with
JavaScript); the list stays the accessible way and works without it.

Every pupil sees the district question at the start and saves it once, so the
list and the map are made once per wave and state of its districts and kept
(:func:`wave_district_list`): a view reads only the districts' ids, revisions
and towns, not their geometry (issue 12: reading every geometry and drawing the
map made the first page cost twice any other at the start of a lesson). A
changed, added or removed district changes what is read, and the next view
draws again, in every server process.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from survey_app.models import District, Municipality, Wave
from survey_app.services.svg_map import SvgMap, draw


@dataclass(frozen=True)
class DistrictChoice:
    """One district as the question offers it: id, shown name, places."""

    id: int
    label: str
    places: tuple[str, ...] = ()


def fold(text: str) -> str:
    """Text for comparing as people read it: case, accents and "ß" ignored.

    >>> fold("Süd-Straße") == fold("sud-strasse")
    True
    """
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def sort_key(text: str) -> tuple:
    """Alphabetical order after DIN 5007-1, with numbers by their value.

    >>> sorted(["Ölberg", "Stadtteil 10", "Oberdorf", "Stadtteil 2"], key=sort_key)
    ['Oberdorf', 'Ölberg', 'Stadtteil 2', 'Stadtteil 10']
    """
    parts = re.split(r"(\d+)", fold(text))
    return tuple((p.isdigit(), int(p) if p.isdigit() else 0, p) for p in parts), text


@dataclass(frozen=True)
class DistrictList:
    """What the district question shows of a wave's districts: choices and map."""

    choices: tuple[DistrictChoice, ...]
    map: SvgMap | None


def _in_wave(query: Select, wave: Wave) -> Select:
    if wave.municipality_id is not None:
        return query.where(District.municipality_id == wave.municipality_id)
    return query.where(Municipality.region_id == wave.region_id)


def wave_districts(session: Session, wave: Wave) -> list[District]:
    """Districts of the wave's municipality (or of every municipality of its region)."""
    query = _in_wave(select(District).join(Municipality), wave)
    return list(session.scalars(query.order_by(Municipality.name, District.code)))


#: A process keeps at most this many drawn lists (per app); a district list is small.
_MAX_DRAWN = 64
_STATE = select(District.id, District.revision, Municipality.name).join(Municipality)


def wave_district_list(session: Session, wave: Wave, kept: dict) -> DistrictList:
    """The choices and the map of the wave's districts, drawn once while they are unchanged.

    Each call reads the districts' ids, revisions and town names (their
    state); only a state not in ``kept`` (the app's store of drawn lists:
    ids and revisions mean something only in one database) reads the
    districts whole and draws. A district changed between the two reads is
    drawn as it is then, which is newer than the state it is kept under,
    never older.
    """
    state = tuple(tuple(row) for row in session.execute(
        _in_wave(_STATE, wave).order_by(District.id)))
    key = (wave.municipality_id, wave.region_id, state)
    found = kept.get(key)
    if found is None:
        districts = wave_districts(session, wave)
        found = DistrictList(tuple(district_choices(districts)), district_map(districts))
        if len(kept) >= _MAX_DRAWN:
            kept.clear()
        kept[key] = found
    return found


def district_choices(districts: list[District]) -> list[DistrictChoice]:
    """The districts alphabetically; names get their town when several towns take part."""
    towns = {d.municipality_id for d in districts}
    choices = [DistrictChoice(d.id, d.name if len(towns) == 1
                              else f"{d.name} ({d.municipality.name})", tuple(d.place_names()))
               for d in districts]
    return sorted(choices, key=lambda c: sort_key(c.label))


def district_map(districts: list[District]) -> SvgMap | None:
    """An SVG map of the districts that have a geometry (keys are district ids), or ``None``."""
    return draw((str(d.id), d.name, d.geometry) for d in districts)
