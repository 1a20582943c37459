"""District polygons (GeoJSON, WGS 84) as SVG paths: one small projection for every map we draw.

Used by the pupil's district question (a map to tap), the admin's import
preview and the planner's choropleth maps on the pages and in the printed
reports (:mod:`survey_app.services.choropleth`). A city is small, so an equirectangular projection scaled by
the cosine of the middle latitude keeps shapes true enough; nothing is fetched
from a tile server, so the page works offline and reveals nothing about the
pupil.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Iterable

#: Width of the map's viewBox; the height follows from the city's shape.
WIDTH = 600
#: Label size in viewBox units: about 11 px on a 340 px wide phone screen.
LABEL_SIZE = 20


@dataclass(frozen=True)
class Shape:
    """One district drawn: its key, name, SVG path, label anchor and whether the label fits."""

    key: str
    name: str
    path: str
    x: float
    y: float
    label_fits: bool


@dataclass(frozen=True)
class SvgMap:
    """The map's viewBox size and its shapes."""

    width: int
    height: int
    shapes: tuple[Shape, ...]


def polygons(geometry: dict | str | None) -> list[list[list[list[float]]]]:
    """The polygons (lists of rings) of a Polygon or MultiPolygon; ``[]`` for anything else."""
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except ValueError:
            return []
    if not isinstance(geometry, dict):
        return []
    if geometry.get("type") == "Polygon":
        found = [geometry.get("coordinates") or []]
    elif geometry.get("type") == "MultiPolygon":
        found = list(geometry.get("coordinates") or [])
    else:
        return []
    try:  # numbers only: a malformed file draws nothing rather than failing the page
        return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in found]
    except (TypeError, ValueError, IndexError, KeyError):
        return []


def _thin(ring: list[tuple[float, float]], step: float = 1.5) -> list[tuple[float, float]]:
    """Drop points closer than ``step`` viewBox units (about a pixel on a phone) to the last kept.

    A GIS office's boundaries have a point every metre or so; drawn 600 units
    wide, a town needs a point only every few dozen metres. This keeps the
    pupil's page small without changing what can be seen.
    """
    if len(ring) <= 4:
        return ring
    kept = [ring[0]]
    for point in ring[1:-1]:
        if abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= step:
            kept.append(point)
    kept.append(ring[-1])
    return kept if len(kept) >= 4 else ring


def _area_and_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Signed area and centroid of a ring (shoelace); vertex mean for a degenerate ring."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return 0.0, sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring)
    return area / 2, cx / (3 * area), cy / (3 * area)


def draw(districts: Iterable[tuple[str, str, dict | str | None]], width: int = WIDTH,
         label_size: float = LABEL_SIZE) -> SvgMap | None:
    """Project ``(key, name, geometry)`` triples to an SVG map; ``None`` when none has a shape.

    Districts without a usable geometry are left out. The label of a district
    sits at the centroid of its largest polygon; ``label_fits`` says whether
    the name fits inside that polygon's width at ``label_size``.

    Examples
    --------
    >>> square = {"type": "Polygon", "coordinates": [[[7, 51], [7.1, 51], [7.1, 51.1],
    ...                                               [7, 51.1], [7, 51]]]}
    >>> m = draw([("1", "Mitte", square)])
    >>> m.width, m.shapes[0].name, m.shapes[0].path.startswith("M")
    (600, 'Mitte', True)
    """
    found = [(key, name, polys) for key, name, geometry in districts
             if (polys := [p for p in polygons(geometry) if p and len(p[0]) >= 3])]
    if not found:
        return None
    points = [pt for _, _, polys in found for poly in polys for ring in poly for pt in ring]
    lon0, lon1 = min(p[0] for p in points), max(p[0] for p in points)
    lat0, lat1 = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((lat0 + lat1) / 2))
    span_x, span_y = max((lon1 - lon0) * squeeze, 1e-9), max(lat1 - lat0, 1e-9)
    scale = width / span_x
    height = max(1, round(span_y * scale))

    def project(point) -> tuple[float, float]:
        return (point[0] - lon0) * squeeze * scale, (lat1 - point[1]) * scale

    shapes = []
    for key, name, polys in found:
        projected = [[_thin([project(pt) for pt in ring]) for ring in poly] for poly in polys]
        path = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z"
            for poly in projected for ring in poly)
        outers = [poly[0][:-1] if poly[0][0] == poly[0][-1] else poly[0] for poly in projected]
        measured = [(abs(_area_and_centroid(ring)[0]), ring) for ring in outers]
        _, largest = max(measured, key=lambda pair: pair[0])
        _, cx, cy = _area_and_centroid(largest)
        box = max(x for x, _ in largest) - min(x for x, _ in largest)
        fits = 0.6 * label_size * len(name) <= box * 0.9
        shapes.append(Shape(str(key), name, path, round(cx, 1), round(cy, 1), fits))
    return SvgMap(width, height, tuple(shapes))
