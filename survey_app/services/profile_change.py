"""What a district profile adds to the district's figures: the change since the previous
comparable wave, and the district's social indicators.

Change: for each measure, the newest earlier released wave of the municipality
whose definition of that measure has the same fingerprint
(:func:`survey_app.services.trends.wave_fingerprints`, the rule of the trend
pages) is the previous wave; the difference and its p-value (adjusted over the
districts, Holm) come from :func:`analysis.compare_with_previous` on the two
stored tables. A group hidden in either wave has no difference: the analysis
compares only figures that were published in both, so a difference never
reveals a group below the threshold.

Indicators are the city's own statistics (not survey answers), so they need no
disclosure control; each is shown for its newest year, with the median of the
municipality's districts beside it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis import compare_with_previous
from survey_app.models import District, DistrictIndicator, Municipality, ResultSet, Wave
from survey_app.services.planner_scope import ReleasedWave, released_waves
from survey_app.services.results import estimates_frame
from survey_app.services.trends import wave_fingerprints


@dataclass(frozen=True)
class Change:
    """A district's change in one measure since ``wave`` (``None`` figures: not comparable
    there, or hidden in one of the waves)."""

    wave: Wave
    diff: float | None
    p_adjusted: float | None

    @property
    def significant(self) -> bool:
        return self.p_adjusted is not None and self.p_adjusted < 0.05


@dataclass(frozen=True)
class IndicatorValue:
    """The newest value of one social indicator for the district, beside the districts' median."""

    indicator: str
    year: int
    value: float
    median: float | None


def previous_waves(session: Session, result_set: ResultSet, municipality: Municipality,
                   measures: list[str], extra_dirs: str | None) -> dict[str, ReleasedWave]:
    """Per measure, the newest earlier released wave with the same definition of it."""
    waves = released_waves(session, municipality)
    current = next((i for i, r in enumerate(waves) if r.result_set.id == result_set.id), None)
    if current is None:
        return {}
    earlier = waves[:current]
    prints = wave_fingerprints(earlier + [waves[current]], extra_dirs)
    mine = prints[waves[current].wave.id]
    found = {}
    for measure in measures:
        if measure not in mine:
            continue
        for released in reversed(earlier):
            if prints[released.wave.id].get(measure) == mine[measure]:
                found[measure] = released
                break
    return found


def _table(session: Session, result_set: ResultSet, municipality_id: int,
           measures: list[str]) -> pd.DataFrame:
    """The stored district table of the measures, in the layout the analysis compares."""
    frame = estimates_frame(session, result_set, municipality_id)
    frame = frame[frame["measure"].isin(measures)].rename(columns={"group_key": "group"})
    for column in ("estimate", "se", "df"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame[["group_var", "group", "measure", "statistic", "estimate", "se", "df",
                  "district_id"]]


def changes(session: Session, result_set: ResultSet, municipality: Municipality,
            district: District, measures: list[str], extra_dirs: str | None
            ) -> dict[str, Change]:
    """The district's change in each measure since its previous comparable wave."""
    by_wave: dict[int, tuple[ReleasedWave, list[str]]] = {}
    for measure, released in previous_waves(session, result_set, municipality, measures,
                                            extra_dirs).items():
        by_wave.setdefault(released.result_set.id, (released, []))[1].append(measure)
    out: dict[str, Change] = {}
    for released, wanted in by_wave.values():
        now = _table(session, result_set, municipality.id, wanted)
        before = _table(session, released.result_set, municipality.id, wanted)
        try:
            compared = compare_with_previous(now, before)
        except ValueError:
            continue  # the "previous" figures are this wave's again: nothing to compare
        mine = compared[compared["district_id"] == district.id]
        for row in mine.itertuples():
            diff, p = row.diff_previous, row.p_adjusted_previous
            out[row.measure] = Change(released.wave, None if pd.isna(diff) else float(diff),
                                      None if pd.isna(diff) or pd.isna(p) else float(p))
    return out


def indicators(session: Session, district: District) -> list[IndicatorValue]:
    """The district's social indicators, newest year of each, with the districts' median."""
    rows = session.execute(
        select(DistrictIndicator.indicator, DistrictIndicator.year, DistrictIndicator.value,
               DistrictIndicator.district_id)
        .join(District, District.id == DistrictIndicator.district_id)
        .where(District.municipality_id == district.municipality_id)).all()
    newest: dict[str, int] = {}
    for name, year, _value, district_id in rows:
        if district_id == district.id:
            newest[name] = max(year, newest.get(name, year))
    out = []
    for name in sorted(newest, key=str.casefold):
        values = [r for r in rows if r[0] == name and r[1] == newest[name]]
        own = next(r[2] for r in values if r[3] == district.id)
        out.append(IndicatorValue(name, newest[name], own,
                                  statistics.median(r[2] for r in values) if values else None))
    return out
