"""A district's profile: every scale and index of one district beside its city, from stored results.

Like the overview, this only arranges published figures (suppressed rows carry
none); the short summary names, area by area, the measures where the district
differs significantly (adjusted p < 0.05) from the city. The change since the
previous comparable wave and the district's social indicators come from
:mod:`survey_app.services.profile_change`. The planner page, its download and
the district report (PDF) all draw this one object.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from survey_app.models import District, Municipality, ResultEstimate, ResultSet
from survey_app.services.overview import SMALL_FACTOR, Measure, Row, _row, measure_options
from survey_app.services.profile_change import Change, IndicatorValue, changes, indicators


@dataclass
class ProfileLine:
    """One measure: the district and the city, and the axis of its interval bar."""

    measure: Measure
    district: Row
    city: Row | None
    low: float
    high: float
    change: Change | None = None

    def position(self, value: float | None, width: float = 200.0) -> float | None:
        """Where ``value`` lies on a bar ``width`` wide (clipped to the axis)."""
        if value is None:
            return None
        share = (value - self.low) / ((self.high - self.low) or 1.0)
        return round(min(max(share, 0.0), 1.0) * width, 1)


@dataclass
class Profile:
    """What the district profile page and its download show."""

    result_set: ResultSet
    municipality: Municipality
    district: District
    sections: list[tuple[str, list[ProfileLine]]]
    higher: list[tuple[str, list[str]]]
    lower: list[tuple[str, list[str]]]
    indicators: list[IndicatorValue]

    @property
    def previous_waves(self) -> list[str]:
        """The names of the waves the changes are measured from (usually one)."""
        names = {line.change.wave.name: line.change.wave.opens_on
                 for line in self.lines if line.change is not None}
        return sorted(names, key=lambda name: names[name])

    @property
    def threshold(self) -> int:
        return self.result_set.min_group_size

    @property
    def lines(self) -> list[ProfileLine]:
        return [line for _, lines in self.sections for line in lines]


def _axis(measure: Measure, questionnaire) -> tuple[float, float]:
    if measure.statistic == "share":
        return 0.0, 1.0
    if questionnaire is not None:
        for scale in questionnaire.scales:
            if scale.id == measure.id:
                return float(scale.range[0]), float(scale.range[1])
    return 0.0, 5.0


def build_profile(session: Session, result_set: ResultSet, municipality: Municipality,
                  district: District, questionnaire, lang: str,
                  extra_dirs: str | None = None) -> Profile:
    """Every scale mean and index share of ``district`` beside the city, grouped by area,
    with the change since the previous comparable wave and the social indicators."""
    stored = list(session.scalars(select(ResultEstimate).where(
        ResultEstimate.result_set_id == result_set.id,
        ResultEstimate.municipality_id == municipality.id,
        ResultEstimate.group_var == "district",
        or_(ResultEstimate.district_id == district.id, ResultEstimate.group_key == "all"))))
    mine = {e.measure: e for e in stored if e.district_id == district.id}
    city = {e.measure: e for e in stored if e.group_key == "all"}
    wanted = [m for m in measure_options(questionnaire, set(mine) | set(city), lang)
              if m.statistic == "mean" or "_category=" not in m.id]
    small_below = SMALL_FACTOR * result_set.min_group_size
    sections: dict[str, list[ProfileLine]] = {}
    higher: dict[str, list[str]] = {}
    lower: dict[str, list[str]] = {}
    changed = changes(session, result_set, municipality, district, [m.id for m in wanted],
                      extra_dirs)
    for measure in wanted:
        row = _row(mine.get(measure.id), str(district.id), district.name, small_below)
        total = _row(city[measure.id], "all", _("City total"), small_below) \
            if measure.id in city else None
        low, high = _axis(measure, questionnaire)
        sections.setdefault(measure.group, []).append(
            ProfileLine(measure, row, total, low, high, changed.get(measure.id)))
        if row.significant and row.diff_city is not None:
            (higher if row.diff_city > 0 else lower).setdefault(
                measure.group, []).append(measure.label)
    return Profile(result_set, municipality, district, list(sections.items()),
                   list(higher.items()), list(lower.items()), indicators(session, district))
