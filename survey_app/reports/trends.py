"""Trends in the wave report: each measure of the city across the earlier comparable waves.

Read with the planner's trend service (:func:`survey_app.services.trends.trend`:
same scale definition only, stored figures only) and drawn with the trend page's
chart (``charts/_charts.html``). A report of one wave shows that wave and the
waves before it, never a later one; a wave where the city's figure is
suppressed (or withheld) has no point, and the line breaks there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey_app.reports.content import WaveContent
from survey_app.services.svg_charts import Frame, lines
from survey_app.services.trends import trend

#: Size of one printed trend chart (SVG units; the page scales it to the column width).
PRINT_FRAME = dict(width=520, height=210, left=56, right=12, top=12, bottom=36)


@dataclass
class TrendFigure:
    """One measure of the city across waves: the chart and the figures behind it."""

    measure_id: str
    label: str
    share: bool
    waves: list[str]
    points: list  # (estimate, ci_low, ci_high, n) or None per wave
    chart: dict


def _order(wave) -> tuple:
    return (wave.opens_on, wave.id)


def wave_trends(session: Session, content: WaveContent, lang: str,
                extra_dirs: str | None) -> list[TrendFigure]:
    """Trend figures of every scale mean and index level, where an earlier comparable
    wave exists (empty when the report's wave is the first)."""
    current = content.wave
    figures = []
    for measure in content.measures:
        if measure.statistic != "mean" and "_category=" in measure.id:
            continue  # the categories' shares: the maps' measures only, as in the report
        found = trend(session, content.municipality, measure.id, extra_dirs)
        keep = [i for i, released in enumerate(found.waves)
                if _order(released.wave) <= _order(current)]
        if len(keep) < 2 or found.waves[keep[-1]].wave.id != current.id or not found.series:
            continue
        city = found.series[0]
        points = [city.points[i] for i in keep]
        names = [found.waves[i].wave.name for i in keep]
        chart = lines(names, [{"name": city.name, "css": "series-city",
                               "values": [p[:3] if p else None for p in points]}],
                      frame=Frame(**PRINT_FRAME))
        figures.append(TrendFigure(measure.id, measure.label(lang), measure.statistic == "share",
                                   names, points, chart))
    return figures
