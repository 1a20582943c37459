"""The wave's districts for the "where do you live?" question, and a map of them.

The map is an inline SVG drawn on the server from the districts' GeoJSON: no
map tiles are fetched, so nothing about the pupil leaves the school's
connection and the page works offline. It is an aid only; the answer is
always chosen from the list.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import District, Municipality, Wave

_WIDTH = 600


@dataclass(frozen=True)
class MapShape:
    """One district drawn on the map: its SVG path, label position and name."""

    number: int
    name: str
    path: str
    x: float
    y: float


@dataclass(frozen=True)
class DistrictMap:
    """The map's size and shapes."""

    width: int
    height: int
    shapes: tuple[MapShape, ...]


def wave_districts(session: Session, wave: Wave) -> list[District]:
    """Districts of the wave's municipality (or of every municipality of its region)."""
    query = select(District).join(Municipality)
    if wave.municipality_id is not None:
        query = query.where(District.municipality_id == wave.municipality_id)
    else:
        query = query.where(Municipality.region_id == wave.region_id)
    return list(session.scalars(query.order_by(Municipality.name, District.code)))


def district_choices(districts: list[District]) -> list[tuple[int, str]]:
    """``(id, name)`` per district; names get their town when several towns take part."""
    towns = {d.municipality_id for d in districts}
    return [(d.id, d.name if len(towns) == 1 else f"{d.name} ({d.municipality.name})")
            for d in districts]


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        return geometry["coordinates"]
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def district_map(districts: list[District]) -> DistrictMap | None:
    """An SVG-ready map of the districts that have a geometry, or ``None``."""
    shapes = []
    for number, district in enumerate(districts, start=1):
        try:
            rings = _rings(json.loads(district.geometry or "{}"))
        except (ValueError, TypeError, KeyError):
            rings = []
        if rings:
            shapes.append((number, district.name, rings))
    if not shapes:
        return None
    points = [p for _, _, rings in shapes for ring in rings for p in ring]
    lon0, lon1 = min(p[0] for p in points), max(p[0] for p in points)
    lat0, lat1 = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((lat0 + lat1) / 2))  # equirectangular, good for a town
    span_x, span_y = max((lon1 - lon0) * squeeze, 1e-9), max(lat1 - lat0, 1e-9)
    scale = _WIDTH / span_x
    height = max(1, round(span_y * scale))

    def project(point):
        return (point[0] - lon0) * squeeze * scale, (lat1 - point[1]) * scale

    drawn = []
    for number, name, rings in shapes:
        projected = [[project(p) for p in ring] for ring in rings]
        path = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z"
                        for ring in projected)
        outer = projected[0][:-1] if projected[0][0] == projected[0][-1] else projected[0]
        cx = sum(x for x, _ in outer) / len(outer)
        cy = sum(y for _, y in outer) / len(outer)
        drawn.append(MapShape(number, name, path, round(cx, 1), round(cy, 1)))
    return DistrictMap(_WIDTH, height, tuple(drawn))
