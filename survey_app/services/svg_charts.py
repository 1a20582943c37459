"""Geometry of the server-drawn SVG charts (scatter, trend lines, small multiples).

The templates draw; this module only turns figures into coordinates, so
that charts need no script, no external library and no inline style (a
strict Content-Security-Policy allows them). Every chart gets the figures it
draws from the caller, who took them from stored, disclosure-controlled
results: nothing here computes a statistic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (about ``count`` of them).

    Never more than ``2 * count + 2`` ticks, whatever the values: figures near
    the float limit (a stored indicator of 1e308) once made this loop for ever.

    >>> nice_ticks(2.83, 4.12)
    [2.5, 3.0, 3.5, 4.0, 4.5]
    >>> nice_ticks(1e20, 1e20)
    [9e+19, 9.5e+19, 1e+20, 1.05e+20, 1.1e+20]
    """
    count = max(count, 1)
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:  # one value: a margin around it, relative for large values
        pad = max(abs(high) * 0.1, 0.5)
        low, high = low - pad, high + pad
    raw = (high - low) / count
    if not (math.isfinite(raw) and raw > 0):
        return [low, high]
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), raw)
    start = math.floor(low / step) * step
    ticks = []
    for index in range(2 * count + 2):
        value = start + index * step
        if not math.isfinite(value):
            break
        ticks.append(round(value, 10))
        if value >= high - step * 0.001:  # the last tick reaches the highest value
            break
    slack = step * 0.001
    covers = len(ticks) > 1 and ticks[0] <= low + slack and ticks[-1] >= high - slack
    return ticks if covers else [low, high]


@dataclass
class Axis:
    """A linear mapping from data values to pixels, with its ticks."""

    low: float
    high: float
    start: float
    end: float
    ticks: list[float] = field(default_factory=list)

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return round(self.start + (value - self.low) / span * (self.end - self.start), 2)

    @classmethod
    def covering(cls, values, start: float, end: float, count: int = 5) -> "Axis":
        """An axis whose ticks cover every finite value."""
        finite = [v for v in values if v is not None and math.isfinite(v)]
        low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
        ticks = nice_ticks(low, high, count)
        return cls(ticks[0], ticks[-1], start, end, ticks)


@dataclass
class Frame:
    """Size of a chart and its plotting area (margins for the axis labels)."""

    width: int = 640
    height: int = 380
    left: int = 64
    right: int = 16
    top: int = 16
    bottom: int = 56

    @property
    def x0(self) -> int:
        return self.left

    @property
    def x1(self) -> int:
        return self.width - self.right

    @property
    def y0(self) -> int:
        return self.height - self.bottom

    @property
    def y1(self) -> int:
        return self.top


def scatter(points: list[dict], frame: Frame | None = None, reference: float | None = None) -> dict:
    """Points ``{label, x, y, lo, hi}`` with vertical intervals, and an optional reference
    line (the city) at ``y = reference``."""
    frame = frame or Frame()
    xs = [p["x"] for p in points]
    ys = [v for p in points for v in (p["y"], p.get("lo"), p.get("hi"))]
    if reference is not None:
        ys.append(reference)
    x_axis = Axis.covering(xs, frame.x0, frame.x1)
    y_axis = Axis.covering(ys, frame.y0, frame.y1)
    drawn = []
    for p in points:
        drawn.append({**p, "cx": x_axis(p["x"]), "cy": y_axis(p["y"]),
                      "y_lo": y_axis(p["lo"]) if p.get("lo") is not None else None,
                      "y_hi": y_axis(p["hi"]) if p.get("hi") is not None else None})
    return {"frame": frame, "x": x_axis, "y": y_axis, "points": drawn,
            "reference": y_axis(reference) if reference is not None else None}


def lines(categories: list[str], series: list[dict], frame: Frame | None = None) -> dict:
    """Series ``{name, css, values: [(estimate, lo, hi) or None per category]}`` as line
    segments that break where a value is missing (a suppressed wave), with intervals."""
    frame = frame or Frame()
    values = [v for s in series for point in s["values"] if point for v in point
              if v is not None]
    y_axis = Axis.covering(values, frame.y0, frame.y1)
    count = max(len(categories), 1)
    step = (frame.x1 - frame.x0) / count
    xs = [round(frame.x0 + step * (i + 0.5), 2) for i in range(count)]
    drawn = []
    for number, s in enumerate(series):
        offset = (number - (len(series) - 1) / 2) * 6  # keep intervals apart
        segments, current, marks = [], [], []
        for x, point in zip(xs, s["values"]):
            if point is None or point[0] is None:
                if len(current) > 1:
                    segments.append(current)
                current = []
                continue
            estimate, lo, hi = point
            position = (round(x + offset, 2), y_axis(estimate))
            current.append(position)
            marks.append({"x": position[0], "y": position[1],
                          "y_lo": y_axis(lo) if lo is not None else None,
                          "y_hi": y_axis(hi) if hi is not None else None})
        if len(current) > 1:
            segments.append(current)
        drawn.append({**s, "segments": [" ".join(f"{x},{y}" for x, y in seg)
                                        for seg in segments], "marks": marks})
    return {"frame": frame, "y": y_axis, "xs": list(zip(xs, categories)), "series": drawn}


def intervals(rows: list[dict], frame: Frame | None = None,
              reference: float | None = None) -> dict:
    """Horizontal dot-and-interval rows ``{label, y, lo, hi}`` (``y`` may be ``None``: no
    figure), one small multiple; ``reference`` is a vertical line (the region total)."""
    frame = frame or Frame(width=300, height=28 + 22 * len(rows), left=110, right=10,
                           top=8, bottom=20)
    values = [v for r in rows for v in (r.get("y"), r.get("lo"), r.get("hi"))]
    if reference is not None:
        values.append(reference)
    x_axis = Axis.covering(values, frame.x0, frame.x1, count=3)
    drawn = []
    for number, r in enumerate(rows):
        cy = frame.top + 11 + number * 22
        drawn.append({**r, "cy": cy,
                      "cx": x_axis(r["y"]) if r.get("y") is not None else None,
                      "x_lo": x_axis(r["lo"]) if r.get("lo") is not None else None,
                      "x_hi": x_axis(r["hi"]) if r.get("hi") is not None else None})
    return {"frame": frame, "x": x_axis, "rows": drawn,
            "reference": x_axis(reference) if reference is not None else None}
