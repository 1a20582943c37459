"""Trends in the wave report: each measure of the city across the earlier comparable waves.

Read with the planner's trend service (its comparability rule,
:func:`survey_app.services.trends.comparable_waves`: same scale definition only)
from the stored figures and drawn with the trend page's
chart (``charts/_charts.html``). A report of one wave shows that wave and the
waves before it, never a later one; a wave where the city's figure is
suppressed (or withheld) has no point, and the line breaks there.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from survey_app.reports.content import WaveContent
from survey_app.services.planner_scope import released_waves
from survey_app.services.results import estimates_frame
from survey_app.services.svg_charts import Frame, lines
from survey_app.services.trends import comparable_waves

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


def _point(row):
    """(estimate, ci_low, ci_high, n) of a stored row, ``None`` where it is hidden."""
    if row is None or row.suppressed or pd.isna(row.estimate):
        return None
    return (float(row.estimate), None if pd.isna(row.ci_low) else float(row.ci_low),
            None if pd.isna(row.ci_high) else float(row.ci_high),
            None if pd.isna(row.n) else int(row.n))


def wave_trends(session: Session, content: WaveContent, lang: str,
                extra_dirs: str | None) -> list[TrendFigure]:
    """Trend figures of every scale mean and index level, where an earlier comparable
    wave exists (empty when the report's wave is the first).

    The waves and their comparability are the trend page's
    (:func:`~survey_app.services.trends.comparable_waves`, with the report's wave as the
    reference); each wave's stored city rows are read once for all measures.
    """
    current = content.wave
    waves = [w for w in released_waves(session, content.municipality)
             if _order(w.wave) <= _order(current)]
    if len(waves) < 2 or waves[-1].wave.id != current.id:
        return []
    city: dict[int, dict] = {}
    for released in waves:
        frame = estimates_frame(session, released.result_set, content.municipality.id)
        frame = frame[frame["group_key"] == "all"]
        city[released.wave.id] = {row.measure: row for row in frame.itertuples()}
    figures = []
    for measure in content.measures:
        if "_category=" in measure.id:
            continue  # the categories' shares: the maps' measures only, as in the report
        kept, _excluded = comparable_waves(content.municipality, waves, measure.id, extra_dirs)
        if len(kept) < 2 or kept[-1].wave.id != current.id:
            continue
        points = [_point(city[w.wave.id].get(measure.id)) for w in kept]
        names = [w.wave.name for w in kept]
        chart = lines(names, [{"name": "city", "css": "series-city",
                               "values": [p[:3] if p else None for p in points]}],
                      frame=Frame(**PRINT_FRAME))
        figures.append(TrendFigure(measure.id, measure.label(lang), measure.statistic == "share",
                                   names, points, chart))
    return figures
