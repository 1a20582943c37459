"""The region view: the municipalities of a region side by side, for one questionnaire version.

For each municipality the newest released results of that questionnaire id
and version are read: from a wave run across the region its stored
municipality total (compared with the region), else its own wave's city
total. The region total exists where a wave was run across the region (it
is computed from all answers of the region, not averaged from the cities).
Everything is a stored, disclosure-controlled figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from survey_app.models import Region, ResultEstimate, ResultSet, Wave

#: A figure: ``{n, estimate, ci_low, ci_high, diff, p_adjusted}``, or ``None`` if suppressed.
Figure = dict | None


@dataclass
class Column:
    """A municipality (or the region total) with its wave and figures by measure."""

    name: str
    wave: str | None
    figures: dict[str, Figure] = field(default_factory=dict)
    available: bool = True
    #: The reporting threshold of the results shown.
    threshold: int = 0


@dataclass
class RegionComparison:
    """The municipalities' columns and the region total's column."""

    municipalities: list[Column]
    region: Column


def versions(session: Session, region: Region) -> list[tuple[str, str]]:
    """Questionnaire (id, version) pairs with released results in the region, newest first."""
    ids = [m.id for m in region.municipalities]
    rows = session.execute(
        select(ResultSet.questionnaire_id, ResultSet.questionnaire_version, Wave.opens_on)
        .join(Wave, Wave.id == ResultSet.wave_id)
        .where(ResultSet.state == "released",
               or_(Wave.region_id == region.id, Wave.municipality_id.in_(ids)))
        .order_by(Wave.opens_on.desc())).all()
    out: list[tuple[str, str]] = []
    for qid, version, _opens in rows:
        if (qid, version) not in out:
            out.append((qid, version))
    return out


def _released(session: Session, region: Region, qid: str, version: str):
    """Released result sets of this version in the region, newest wave first."""
    ids = [m.id for m in region.municipalities]
    return session.execute(
        select(Wave, ResultSet).join(ResultSet, ResultSet.wave_id == Wave.id)
        .where(ResultSet.state == "released", ResultSet.questionnaire_id == qid,
               ResultSet.questionnaire_version == version,
               or_(Wave.region_id == region.id, Wave.municipality_id.in_(ids)))
        .order_by(Wave.opens_on.desc(), Wave.id.desc(), ResultSet.released_at.desc())).all()


def _figures(session: Session, result_set: ResultSet, **where) -> dict[str, Figure]:
    conditions = [ResultEstimate.result_set_id == result_set.id]
    conditions += [getattr(ResultEstimate, k) == v if v is not None
                   else getattr(ResultEstimate, k).is_(None) for k, v in where.items()]
    out: dict[str, Figure] = {}
    for row in session.scalars(select(ResultEstimate).where(*conditions)):
        out[row.measure] = None if row.suppressed or row.estimate is None else {
            "n": row.n, "estimate": row.estimate, "ci_low": row.ci_low,
            "ci_high": row.ci_high, "diff": row.diff_city, "p_adjusted": row.p_adjusted}
    return out


def compare(session: Session, region: Region, qid: str, version: str) -> RegionComparison:
    """Every municipality of the region, and the region total, for one version."""
    released = _released(session, region, qid, version)
    columns = []
    for municipality in sorted(region.municipalities, key=lambda m: m.name.lower()):
        column = Column(municipality.name, None, available=False)
        for wave, result_set in released:
            if wave.region_id == region.id:
                figures = _figures(session, result_set, group_var="municipality",
                                   municipality_id=None, group_key=str(municipality.id))
            elif wave.municipality_id == municipality.id:
                figures = _figures(session, result_set, group_var="district",
                                   municipality_id=municipality.id, group_key="all")
            else:
                continue
            if figures:
                column = Column(municipality.name, wave.name, figures,
                                threshold=result_set.min_group_size)
                break
        columns.append(column)
    total = Column(region.name, None, available=False)
    for wave, result_set in released:
        if wave.region_id == region.id:
            figures = _figures(session, result_set, group_var="municipality",
                               municipality_id=None, group_key="all")
            if figures:
                total = Column(region.name, wave.name, figures,
                               threshold=result_set.min_group_size)
                break
    return RegionComparison(columns, total)


def is_missing(value) -> bool:
    """Whether a stored number is absent."""
    return value is None or (isinstance(value, float) and math.isnan(value))
