"""A school's results against its city, for the school's coordinator.

Read from the newest released results that hold the school (stored with
``group_var = "school"``, through disclosure control). A school below the
threshold has no figure at all, and the page says why; a scale with fewer
answers than the threshold is named without a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import ResultEstimate, ResultSet, School, Wave


@dataclass
class SchoolScale:
    """One scale: the school's figure (``None`` if suppressed) and the city's."""

    measure: str
    school: dict | None
    city: dict | None


@dataclass
class SchoolResult:
    """The school's results of one wave; ``shown`` is False below the threshold."""

    wave: Wave | None
    result_set: ResultSet | None
    shown: bool
    scales: list[SchoolScale] = field(default_factory=list)


def _figure(row: ResultEstimate | None) -> dict | None:
    if row is None or row.suppressed or row.estimate is None:
        return None
    return {"n": row.n, "estimate": row.estimate, "ci_low": row.ci_low, "ci_high": row.ci_high,
            "diff": row.diff_city, "p_adjusted": row.p_adjusted}


def released_for_school(session: Session, school: School) -> list[tuple[Wave, ResultSet]]:
    """Released result sets that hold rows of the school, newest wave first."""
    return list(session.execute(
        select(Wave, ResultSet).join(ResultSet, ResultSet.wave_id == Wave.id)
        .where(ResultSet.state == "released", ResultSet.id.in_(
            select(ResultEstimate.result_set_id).where(
                ResultEstimate.group_var == "school",
                ResultEstimate.group_key == str(school.id))))
        .order_by(Wave.opens_on.desc(), Wave.id.desc(), ResultSet.released_at.desc())).all())


def school_result(session: Session, school: School, scale_ids: list[str] | None,
                  result_set: ResultSet | None, wave: Wave | None) -> SchoolResult:
    """Every scale mean of the school beside the city's, or nothing below the threshold."""
    if result_set is None:
        return SchoolResult(None, None, False)
    rows = list(session.scalars(select(ResultEstimate).where(
        ResultEstimate.result_set_id == result_set.id, ResultEstimate.group_var == "school",
        ResultEstimate.municipality_id == school.municipality_id,
        ResultEstimate.statistic == "mean",
        ResultEstimate.group_key.in_([str(school.id), "all"]))))
    mine = {r.measure: r for r in rows if r.group_key == str(school.id)}
    city = {r.measure: r for r in rows if r.group_key == "all"}
    shown = any(_figure(r) is not None for r in mine.values())
    result = SchoolResult(wave, result_set, shown)
    if not shown:
        return result
    for measure in scale_ids or sorted(mine):
        result.scales.append(SchoolScale(measure, _figure(mine.get(measure)),
                                         _figure(city.get(measure))))
    return result
