"""A fictional city: district polygons, a deprivation indicator, schools, catchments.

Districts are the cells of a jittered grid whose corners and edge midpoints
are shared between neighbours, so the polygons tile the city without gaps or
overlaps. Deprivation rises towards the south (like the social divide along
the A40 in the Ruhr) plus noise. Schools sit in districts; a pupil attends a
school with a probability that falls with distance, so catchments cut across
district boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_ORIGIN = (7.10, 51.40)  # lon/lat of the fictional city's south-west corner
_CELL = (0.025, 0.016)   # about 1.7 km x 1.8 km
_PREFIXES = ("Alt", "Nord", "Süd", "Ost", "West", "Linden", "Eichen", "Birken", "Berg", "Tal",
             "Hafen", "Mühlen", "Kirch", "Rosen", "Sonnen", "Zechen", "Buchen", "Wiesen",
             "Brunnen", "Hohen", "Neu", "Stein", "Grün", "Schloss")
_SUFFIXES = ("feld", "hof", "heide", "kamp", "dorf", "bruch", "berg", "hausen", "busch", "winkel")
_SCHOOL_TYPES = ("Gesamtschule", "Gymnasium", "Realschule", "Sekundarschule")


@dataclass(frozen=True)
class City:
    """Districts and schools of a simulated city (arrays indexed by district / school)."""

    codes: list[str]
    names: list[str]
    rings: list[list[list[float]]]   # closed exterior ring per district, counter-clockwise
    deprivation: np.ndarray          # share of children in families on benefits, 0-1
    size: np.ndarray                 # share of the city's pupils living in each district
    centre: np.ndarray               # (D, 2) in grid-cell units
    school_codes: list[str]
    school_names: list[str]
    school_district: np.ndarray      # district index where each school stands
    school_xy: np.ndarray            # (S, 2) in grid-cell units
    catchment: np.ndarray            # (D, S): P(school | home district)


def build_city(rng: np.random.Generator, districts: int, schools: int) -> City:
    """Draw a city with ``districts`` districts and ``schools`` schools."""
    cols = int(np.ceil(np.sqrt(districts * 1.3)))
    rows = int(np.ceil(districts / cols))
    corners = _jittered_lattice(rng, rows, cols)
    h_mid = rng.uniform(-0.12, 0.12, size=(rows + 1, cols))  # shift of horizontal edges' midpoints
    v_mid = rng.uniform(-0.12, 0.12, size=(rows, cols + 1))  # shift of vertical edges' midpoints
    cells = [divmod(i, cols) for i in range(districts)]
    rings = [_cell_ring(corners, h_mid, v_mid, r, c) for r, c in cells]
    centre = np.array([[c + 0.5, r + 0.5] for r, c in cells])

    south = 1.0 - centre[:, 1] / max(rows, 1)  # 1 in the south, 0 in the north
    z = 2.0 * (south - 0.5) + rng.normal(0.0, 0.7, size=districts)
    deprivation = np.round(0.04 + 0.44 / (1.0 + np.exp(-1.5 * z)), 3)
    size = rng.lognormal(0.0, 0.35, size=districts) * (1.0 + deprivation)
    size /= size.sum()

    school_district = rng.choice(districts, size=schools, p=size)
    school_xy = centre[school_district] + rng.uniform(-0.35, 0.35, size=(schools, 2))
    capacity = rng.lognormal(0.0, 0.3, size=schools)
    dist = np.hypot(*(centre[:, None, :] - school_xy[None, :, :]).transpose(2, 0, 1))
    catchment = capacity[None, :] * np.exp(-dist / 0.9)
    catchment /= catchment.sum(axis=1, keepdims=True)

    width = max(2, len(str(districts)))
    names = _district_names(rng, districts)
    school_width = max(3, len(str(schools)))
    kinds = rng.choice(len(_SCHOOL_TYPES), size=schools)
    school_names = _unique([f"{_SCHOOL_TYPES[k]} {names[d]}" for k, d in zip(kinds, school_district)])
    return City(
        codes=[f"{i + 1:0{width}d}" for i in range(districts)], names=names,
        rings=[_to_lonlat(ring) for ring in rings], deprivation=deprivation, size=size,
        centre=centre, school_codes=[f"S{i + 1:0{school_width}d}" for i in range(schools)],
        school_names=school_names, school_district=school_district, school_xy=school_xy,
        catchment=catchment,
    )


def geojson(city: City) -> dict:
    """The districts as a GeoJSON FeatureCollection (RFC 7946, WGS 84 lon/lat)."""
    features = [
        {"type": "Feature", "id": code,
         "properties": {"code": code, "name": name, "deprivation": float(dep),
                        "pupil_share": round(float(share), 5)},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}
        for code, name, ring, dep, share in zip(city.codes, city.names, city.rings,
                                                city.deprivation, city.size)
    ]
    return {"type": "FeatureCollection", "name": "Simulated city", "features": features}


def _jittered_lattice(rng, rows: int, cols: int) -> np.ndarray:
    """Grid corners (rows+1, cols+1, 2) moved at random by at most 0.15 cells."""
    y, x = np.mgrid[0:rows + 1, 0:cols + 1].astype(float)
    return np.stack([x, y], axis=-1) + rng.uniform(-0.15, 0.15, size=(rows + 1, cols + 1, 2))


def _cell_ring(corners, h_mid, v_mid, r: int, c: int) -> list[tuple[float, float]]:
    """Octagon of cell (r, c): corners and shared, jittered edge midpoints, CCW, closed."""
    def mid(a, b, shift, axis):
        m = (a + b) / 2.0
        m[axis] += shift  # move perpendicular to the edge
        return m

    sw, se = corners[r, c], corners[r, c + 1]
    ne, nw = corners[r + 1, c + 1], corners[r + 1, c]
    ring = [sw, mid(sw, se, h_mid[r, c], 1), se, mid(se, ne, v_mid[r, c + 1], 0),
            ne, mid(nw, ne, h_mid[r + 1, c], 1), nw, mid(sw, nw, v_mid[r, c], 0)]
    return [tuple(p) for p in ring] + [tuple(ring[0])]


def _to_lonlat(ring) -> list[list[float]]:
    return [[round(_ORIGIN[0] + x * _CELL[0], 6), round(_ORIGIN[1] + y * _CELL[1], 6)]
            for x, y in ring]


def _district_names(rng, n: int) -> list[str]:
    pool = [p + s for p in _PREFIXES for s in _SUFFIXES]
    order = rng.permutation(len(pool))
    return [pool[order[i % len(pool)]] + ("" if i < len(pool) else f" {i // len(pool) + 1}")
            for i in range(n)]


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return out
