"""Choropleth maps drawn on the server: GeoJSON districts to SVG paths, classes, palettes.

No map service, tiles or script: the browser gets an inline SVG whose colours
are presentation attributes (no ``style``), so a strict Content Security
Policy holds. The projection is equirectangular around the city's middle
latitude, which is exact enough for a town of a few kilometres.

Palettes are ColorBrewer's colour-blind-safe schemes (Cynthia Brewer, Penn
State; Apache-2.0): sequential ``YlGnBu`` for levels, diverging ``PuOr`` for
differences from the city (no red/green).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Iterable, Mapping

#: Sequential, 5 classes, light (low) to dark (high).
SEQUENTIAL = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
#: Diverging, 5 classes: far below the city (orange) .. near .. far above (purple).
DIVERGING = ("#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99")
#: Fill of a district without answers.
NO_DATA = "#d9d9d9"

WIDTH = 640


@dataclass(frozen=True)
class Shape:
    """One projected district: its SVG path and a point inside it for the label."""

    key: int
    path: str
    x: float
    y: float


@dataclass(frozen=True)
class Projected:
    """The projected map: its size and shapes by district id."""

    width: int
    height: int
    shapes: Mapping[int, Shape]


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        return list(geometry.get("coordinates") or [])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry.get("coordinates") or [] for ring in polygon]
    return []


def _parse(text: str | None) -> list[list[tuple[float, float]]]:
    try:
        rings = _rings(json.loads(text or "{}"))
        return [[(float(p[0]), float(p[1])) for p in ring] for ring in rings if len(ring) >= 3]
    except (ValueError, TypeError, KeyError, IndexError):
        return []


def project(geometries: Mapping[int, str | None], width: int = WIDTH) -> Projected | None:
    """Project the GeoJSON geometries (by id) into a ``width``-wide SVG; ``None`` if none.

    >>> square = '{"type": "Polygon", "coordinates": [[[7,51],[7.1,51],[7.1,51.1],[7,51]]]}'
    >>> p = project({1: square}, width=100)
    >>> p.width, p.height > 0, p.shapes[1].path.startswith("M")
    (100, True, True)
    """
    parsed = {key: rings for key, text in geometries.items() if (rings := _parse(text))}
    if not parsed:
        return None
    points = [p for rings in parsed.values() for ring in rings for p in ring]
    lon0, lon1 = min(p[0] for p in points), max(p[0] for p in points)
    lat0, lat1 = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((lat0 + lat1) / 2))
    span_x, span_y = max((lon1 - lon0) * squeeze, 1e-9), max(lat1 - lat0, 1e-9)
    scale = width / span_x
    height = max(1, round(span_y * scale))
    shapes = {}
    for key, rings in parsed.items():
        projected = [[((x - lon0) * squeeze * scale, (lat1 - y) * scale) for x, y in ring]
                     for ring in rings]
        path = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z"
                        for ring in projected)
        cx, cy = _centroid(projected[0])
        shapes[key] = Shape(key, path, round(cx, 1), round(cy, 1))
    return Projected(width, height, shapes)


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    """Area centroid of a ring (vertex mean if the ring is degenerate)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        return sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring)
    return cx / (3 * area), cy / (3 * area)


def level_breaks(values: Iterable[float], classes: int = len(SEQUENTIAL)) -> list[float]:
    """Equal-interval class limits over the shown values (``classes + 1`` numbers).

    >>> level_breaks([1.0, 2.0, 3.0], classes=2)
    [1.0, 2.0, 3.0]
    """
    values = [v for v in values if v is not None and math.isfinite(v)]
    if not values:
        return []
    low, high = min(values), max(values)
    if high - low < 1e-12:
        high = low + 1e-6
    return [low + (high - low) * i / classes for i in range(classes + 1)]


def difference_breaks(values: Iterable[float]) -> list[float]:
    """Class limits symmetric around 0 for differences from the city (6 numbers).

    >>> difference_breaks([-0.5, 0.25])
    [-0.5, -0.3, -0.1, 0.1, 0.3, 0.5]
    """
    values = [abs(v) for v in values if v is not None and math.isfinite(v)]
    top = max(values, default=0.0) or 1e-6
    return [round(top * f, 12) for f in (-1, -0.6, -0.2, 0.2, 0.6, 1)]


def classify(value: float | None, breaks: list[float]) -> int | None:
    """The class (0-based) of ``value`` within ``breaks``; ``None`` without a value.

    >>> classify(2.5, [1.0, 2.0, 3.0]), classify(3.0, [1.0, 2.0, 3.0]), classify(None, [1, 2])
    (1, 1, None)
    """
    if value is None or not breaks or not math.isfinite(value):
        return None
    for index in range(len(breaks) - 1):
        if value < breaks[index + 1]:
            return index
    return len(breaks) - 2
