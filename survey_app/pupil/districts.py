"""The wave's districts for the "where do you live?" question, and a map of them.

The list is sorted as a German reader expects (umlauts with their base
letter, "ß" as "ss", numbers by value: "Stadtteil 2" before "Stadtteil 10"),
and each entry carries the well-known places the city gave for it, for the
search box. The map is an inline SVG drawn on the server from the districts'
GeoJSON (:mod:`survey_app.services.svg_map`): no map tiles are fetched, so
nothing about the pupil leaves the school's connection and the page works
offline. Tapping a district on the map chooses it in the list (with
JavaScript); the list stays the accessible way and works without it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def wave_districts(session: Session, wave: Wave) -> list[District]:
    """Districts of the wave's municipality (or of every municipality of its region)."""
    query = select(District).join(Municipality)
    if wave.municipality_id is not None:
        query = query.where(District.municipality_id == wave.municipality_id)
    else:
        query = query.where(Municipality.region_id == wave.region_id)
    return list(session.scalars(query.order_by(Municipality.name, District.code)))


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
