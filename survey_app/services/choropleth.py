"""Choropleth maps drawn on the server: districts as SVG paths, classes, palettes.

No map service, tiles or script: the browser gets an inline SVG whose colours
are presentation attributes (no ``style``), so a strict Content Security
Policy holds. The projection is :mod:`survey_app.services.svg_map`'s (one
projection for every map of the app); the markup is the one macro
``templates/charts/_map.html`` for the page and the printed reports.

Palettes are ColorBrewer's colour-blind-safe schemes (Cynthia Brewer, Penn
State; Apache-2.0): sequential ``YlGnBu`` for levels, diverging ``PuOr`` for
differences from the city (no red/green).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping

from survey_app.services.svg_map import Shape, draw

#: Sequential, 5 classes, light (low) to dark (high).
SEQUENTIAL = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
#: Diverging, 5 classes: far below the city (orange) .. near .. far above (purple).
DIVERGING = ("#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99")
#: Fill of a district without answers.
NO_DATA = "#d9d9d9"

WIDTH = 640


@dataclass(frozen=True)
class Projected:
    """The projected map: its size and shapes (:class:`svg_map.Shape`) by district id."""

    width: int
    height: int
    shapes: Mapping[int, Shape]


def project(geometries: Mapping[int, str | None], width: int = WIDTH) -> Projected | None:
    """Project the GeoJSON geometries (by id) into a ``width``-wide SVG; ``None`` if none.

    The projection and path drawing are :func:`survey_app.services.svg_map.draw`'s,
    the same as the pupil's district map and the admin's import preview; this
    only keys the shapes by district id for the overview's rows.

    >>> square = '{"type": "Polygon", "coordinates": [[[7,51],[7.1,51],[7.1,51.1],[7,51]]]}'
    >>> p = project({1: square}, width=100)
    >>> p.width, p.height > 0, p.shapes[1].path.startswith("M")
    (100, True, True)
    """
    keys = {str(key): key for key in geometries}
    drawn = draw([(str(key), "", text) for key, text in geometries.items()], width=width)
    if drawn is None:
        return None
    return Projected(drawn.width, drawn.height, {keys[s.key]: s for s in drawn.shapes})


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
