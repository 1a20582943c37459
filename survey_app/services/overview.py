"""The planner's overview of a released wave: one measure by district, from stored results.

Everything here reads :class:`ResultSet` rows (published figures only: a
suppressed row carries none) and arranges them for the map, the table and
the downloads; nothing is estimated. Labels of measures come from the
questionnaire definition in the page language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.scoring import CATEGORY_ORDER
from survey_app.models import District, Municipality, ResultEstimate, ResultSet, Wave
from survey_app.services import choropleth

#: A district counts as small (its small-area estimate is shown) below this many
#: times the threshold, or when the analysis flags its estimate as imprecise.
SMALL_FACTOR = 5
#: Adjusted p-values below this mark a difference from the city.
ALPHA = 0.05
SORT_KEYS = ("district", "n", "estimate", "diff", "sae")


@dataclass(frozen=True)
class Measure:
    """A measure one can map: a scale mean or a category / index level share."""

    id: str
    statistic: str
    label: str
    group: str


@dataclass
class Row:
    """One district (or the city total / "don't know") for one measure."""

    key: str
    name: str
    code: str = ""
    district_id: int | None = None
    n: int | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    diff_city: float | None = None
    p_adjusted: float | None = None
    sae_estimate: float | None = None
    sae_rmse: float | None = None
    suppressed: bool = False
    reason: str = ""
    no_data: bool = False
    small: bool = False
    fill_class: int | None = None

    @property
    def significant(self) -> bool:
        """Whether the difference from the city has an adjusted p-value below 0.05."""
        return self.p_adjusted is not None and self.p_adjusted < ALPHA


@dataclass
class Overview:
    """What the overview page, its map and its downloads show."""

    result_set: ResultSet
    wave: Wave
    municipality: Municipality
    measure: Measure
    measures: list[Measure]
    view: str
    rows: list[Row]
    city: Row | None
    dont_know: Row | None
    breaks: list[float] = field(default_factory=list)
    projected: choropleth.Projected | None = None

    @property
    def threshold(self) -> int:
        return self.result_set.min_group_size

    @property
    def small_below(self) -> int:
        """Districts with fewer pupils than this show their small-area estimate."""
        return SMALL_FACTOR * self.result_set.min_group_size

    @property
    def palette(self) -> tuple[str, ...]:
        return choropleth.DIVERGING if self.view == "difference" else choropleth.SEQUENTIAL

    def fill(self, row: Row) -> str:
        """The SVG fill of a district: a palette colour, the hatching, or no-data grey."""
        if row.suppressed:
            return "url(#suppressed-hatch)"
        if row.fill_class is None:
            return choropleth.NO_DATA
        return self.palette[row.fill_class]


def visible_results(session: Session, municipality_ids: set[int] | None
                    ) -> list[tuple[ResultSet, Municipality]]:
    """Released result sets and the municipalities in them that the user may see, newest wave
    first (an earlier wave released late does not become the landing page).

    The distinct (result set, municipality) pairs are found on the ids alone
    and the records loaded afterwards: a DISTINCT over whole result sets (with
    their notes) across every stored figure cost a planner page 100 ms.
    """
    query = (select(ResultEstimate.result_set_id, ResultEstimate.municipality_id)
             .join(ResultSet, ResultSet.id == ResultEstimate.result_set_id)
             .where(ResultSet.state == "released", ResultEstimate.municipality_id.is_not(None))
             .distinct())
    if municipality_ids is not None:
        query = query.where(ResultEstimate.municipality_id.in_(municipality_ids or {-1}))
    pairs = session.execute(query).all()
    sets = {rs.id: rs for rs in session.scalars(
        select(ResultSet).where(ResultSet.id.in_({p[0] for p in pairs} or {-1})))}
    towns = {m.id: m for m in session.scalars(
        select(Municipality).where(Municipality.id.in_({p[1] for p in pairs} or {-1})))}
    return sorted(((sets[r], towns[m]) for r, m in pairs),
                  key=lambda p: (p[0].wave.opens_on, p[0].released_at, p[0].id, p[1].name),
                  reverse=True)


def covers(session: Session, result_set: ResultSet, municipality: Municipality) -> bool:
    """Whether ``result_set`` is released and holds figures of ``municipality``."""
    return result_set.state == "released" and session.scalar(
        select(ResultEstimate.id).where(ResultEstimate.result_set_id == result_set.id,
                                        ResultEstimate.municipality_id == municipality.id)
        .limit(1)) is not None


def _text(label, lang: str) -> str:
    return label.get(lang) or label.get("de") or next(iter(label.values()), "")


def measure_options(questionnaire, available: set[str], lang: str) -> list[Measure]:
    """Every stored measure with its label in ``lang`` (ids as labels without a definition)."""
    domains = {"environments": _("Environments"), "wellbeing": _("Wellbeing"),
               "development": _("Development")}
    levels = {"high": _("favourable"), "medium": _("medium"), "low": _("unfavourable")}
    options: list[Measure] = []
    if questionnaire is not None:
        for scale in questionnaire.scales:
            name, group = _text(scale.label, lang), domains.get(scale.domain, scale.domain)
            options.append(Measure(scale.id, "mean", _("%(scale)s (mean)", scale=name), group))
            for level in CATEGORY_ORDER:
                if level in scale.categories.labels:
                    options.append(Measure(f"{scale.id}_category={level}", "share",
                                           _("%(scale)s: share %(level)s", scale=name,
                                             level=levels[level]), group))
        for index in questionnaire.indices:
            for level in index.levels:
                options.append(Measure(f"{index.id}={level.id}", "share",
                                       f"{_text(index.label, lang)}: {_text(level.label, lang)}",
                                       _("Indices")))
    known = {m.id for m in options}
    options += [Measure(m, "share" if "=" in m else "mean", m, _("Other"))
                for m in sorted(available - known)]
    return [m for m in options if m.id in available]


def default_measure(measures: list[Measure]) -> Measure:
    """The wellbeing index's best level if there is one, else the first measure."""
    for measure in measures:
        if measure.statistic == "share" and measure.id.endswith("=thriving"):
            return measure
    return measures[0]


def build_overview(session: Session, result_set: ResultSet, municipality: Municipality,
                   questionnaire, lang: str, measure_id: str | None = None,
                   view: str = "level", sort: str = "district",
                   descending: bool = False) -> Overview:
    """The overview of one measure; an unknown ``measure_id`` falls back to the default."""
    available = set(session.scalars(select(ResultEstimate.measure).where(
        ResultEstimate.result_set_id == result_set.id,
        ResultEstimate.municipality_id == municipality.id).distinct()))
    measures = measure_options(questionnaire, available, lang)
    measure = next((m for m in measures if m.id == measure_id), None) \
        or default_measure(measures)
    view = view if view in ("level", "difference") else "level"
    stored = session.scalars(select(ResultEstimate).where(
        ResultEstimate.result_set_id == result_set.id,
        ResultEstimate.municipality_id == municipality.id,
        ResultEstimate.group_var == "district",
        ResultEstimate.measure == measure.id))
    by_key = {e.group_key: e for e in stored}
    districts = list(session.scalars(select(District).where(
        District.municipality_id == municipality.id).order_by(District.code)))
    small_below = SMALL_FACTOR * result_set.min_group_size
    by_district = {e.district_id: e for e in by_key.values() if e.district_id is not None}
    rows = []
    for district in districts:
        row = _row(by_district.get(district.id), str(district.id), district.name, small_below)
        row.code, row.district_id = district.code, district.id
        rows.append(row)
    city = _row(by_key.get("all"), "all", _("City total"), small_below) \
        if "all" in by_key else None
    dont_know = _row(by_key.get("dont_know"), "dont_know", _("Don't know"), small_below) \
        if "dont_know" in by_key else None
    shown = [r for r in rows if not r.suppressed and not r.no_data]
    if view == "difference":
        breaks = choropleth.difference_breaks(r.diff_city for r in shown)
        for row in shown:
            row.fill_class = choropleth.classify(row.diff_city, breaks)
    else:
        breaks = choropleth.level_breaks(r.estimate for r in shown)
        for row in shown:
            row.fill_class = choropleth.classify(row.estimate, breaks)
    projected = choropleth.project({d.id: d.geometry for d in districts})
    return Overview(result_set, result_set.wave, municipality, measure, measures, view,
                    sort_rows(rows, sort, descending), city, dont_know, breaks, projected)


def _row(estimate: ResultEstimate | None, key: str, name: str, small_below: int) -> Row:
    if estimate is None:
        return Row(key=key, name=name, no_data=True)
    row = Row(key=key, name=name, suppressed=estimate.suppressed,
              reason=estimate.suppression_reason or "")
    if not estimate.suppressed:
        row.n, row.estimate = estimate.n, estimate.estimate
        row.ci_low, row.ci_high = estimate.ci_low, estimate.ci_high
        row.diff_city, row.p_adjusted = estimate.diff_city, estimate.p_adjusted
        row.small = bool(estimate.low_precision) or (row.n is not None and row.n < small_below)
        if row.small:
            row.sae_estimate, row.sae_rmse = estimate.sae_estimate, estimate.sae_rmse
    return row


def sort_rows(rows: list[Row], sort: str, descending: bool) -> list[Row]:
    """Rows sorted by a column; rows without a figure always last, then by name."""
    getters = {"district": None, "n": lambda r: r.n, "estimate": lambda r: r.estimate,
               "diff": lambda r: r.diff_city, "sae": lambda r: r.sae_estimate}
    getter = getters.get(sort)
    by_name = sorted(rows, key=lambda r: r.name.casefold(), reverse=descending and not getter)
    if getter is None:
        return by_name
    with_value = [r for r in by_name if _usable(getter(r))]
    without = [r for r in by_name if not _usable(getter(r))]
    return sorted(with_value, key=getter, reverse=descending) + without


def _usable(value) -> bool:
    return value is not None and math.isfinite(value)
