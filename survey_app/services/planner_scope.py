"""What a planner may read: their municipalities and regions, the released results that cover
them, and the words for a measure in the page language.

Every planner page of targeting, trends and the region view starts here, so
that the role rules live in one place: a planner sees the municipalities
assigned one by one and every municipality of the regions assigned (also one
added later); an admin sees all; nobody else sees any. Only *released*
result sets are read: a draft is for the admin who checks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from analysis import Questionnaire
from survey_app.models import Municipality, Region, ResultSet, Wave
from survey_app.services import questionnaires


def visible_municipality_ids(user) -> set[int] | None:
    """The municipalities whose results ``user`` may see; ``None`` means all (admins).

    A planner sees the municipalities assigned one by one and every
    municipality of their regions, including ones added to a region later.
    (The one definition: pages, downloads and reports all ask here.)
    """
    if user.role == "admin":
        return None
    if user.role != "planner":
        return set()
    ids = {m.id for m in user.municipalities}
    ids |= {m.id for region in user.regions for m in region.municipalities}
    return ids


def visible_region_ids(session: Session, user) -> set[int] | None:
    """The regions whose side-by-side view ``user`` may see; ``None`` means all (admins).

    A planner sees a region assigned to them as a region: a planner of one
    city does not see the other cities of its region.
    """
    if user.role == "admin":
        return None
    if user.role != "planner":
        return set()
    return {region.id for region in user.regions}


def municipalities(session: Session, user) -> list[Municipality]:
    """The municipalities ``user`` may see, by name."""
    allowed = visible_municipality_ids(user)
    query = select(Municipality).order_by(Municipality.name)
    if allowed is not None:
        query = query.where(Municipality.id.in_(allowed))
    return list(session.scalars(query))


def regions(session: Session, user) -> list[Region]:
    """The regions ``user`` may compare, by name."""
    allowed = visible_region_ids(session, user)
    query = select(Region).order_by(Region.name)
    if allowed is not None:
        query = query.where(Region.id.in_(allowed))
    return list(session.scalars(query))


@dataclass(frozen=True)
class ReleasedWave:
    """A wave with its released results."""

    wave: Wave
    result_set: ResultSet


def released_waves(session: Session, municipality: Municipality) -> list[ReleasedWave]:
    """Waves covering ``municipality`` (its own or its region's) with released results,
    oldest first; the newest release of each wave."""
    rows = session.execute(
        select(Wave, ResultSet).join(ResultSet, ResultSet.wave_id == Wave.id)
        .where(ResultSet.state == "released",
               or_(Wave.municipality_id == municipality.id,
                   Wave.region_id == municipality.region_id))
        .order_by(Wave.opens_on, Wave.id, ResultSet.released_at, ResultSet.id)).all()
    newest: dict[int, ReleasedWave] = {}
    for wave, result_set in rows:
        newest[wave.id] = ReleasedWave(wave, result_set)
    return list(newest.values())


def questionnaire_of(result_set: ResultSet, extra_dirs: str | None) -> Questionnaire | None:
    """The definition the results were computed with, or ``None`` if it is not installed."""
    try:
        return questionnaires.find(result_set.questionnaire_id, result_set.questionnaire_version,
                                   result_set.questionnaire_hash, extra_dirs)
    except questionnaires.QuestionnaireNotFound:
        return None


def _text(texts, lang: str) -> str:
    return texts.get(lang) or texts.get("de") or next(iter(texts.values()))


def category_label(category: str) -> str:
    """The words for a scale category in the page language."""
    return {"low": _("low"), "medium": _("medium"), "high": _("high")}.get(category, category)


def measure_label(questionnaire: Questionnaire, measure: str, lang: str) -> str:
    """``life_satisfaction`` -> "Life satisfaction (mean)", ``x_category=low`` -> "X: low",
    ``wellbeing_index=thriving`` -> "Wellbeing index: Thriving", from the definition."""
    if "=" not in measure:
        scales = {s.id: s for s in questionnaire.scales}
        if measure in scales:
            return _("%(scale)s (mean)", scale=_text(scales[measure].label, lang))
        return measure
    name, level = measure.split("=", 1)
    if name.endswith("_category"):
        scales = {s.id: s for s in questionnaire.scales}
        scale = scales.get(name[: -len("_category")])
        if scale is not None:
            return _("%(scale)s: %(category)s (share)", scale=_text(scale.label, lang),
                     category=category_label(level))
    for index in questionnaire.indices:
        if index.id == name:
            levels = {lv.id: lv for lv in index.levels}
            if level in levels:
                return _("%(index)s: %(level)s (share)", index=_text(index.label, lang),
                         level=_text(levels[level].label, lang))
    return measure


def measure_choices(questionnaire: Questionnaire, lang: str) -> list[tuple[str, str]]:
    """Every published measure with its label: scale means, index levels, category shares."""
    from analysis.pipeline import measures

    means, shares = measures(questionnaire)
    out = [(m, measure_label(questionnaire, m, lang)) for m in means]
    indices = {i.id for i in questionnaire.indices}
    out += [(f"{c}={lv}", measure_label(questionnaire, f"{c}={lv}", lang))
            for c, levels in shares.items() if c in indices for lv in levels]
    out += [(f"{c}={lv}", measure_label(questionnaire, f"{c}={lv}", lang))
            for c, levels in shares.items() if c not in indices for lv in levels]
    return out


def is_share(measure: str) -> bool:
    """Whether a measure is a share (shown in per cent) rather than a scale mean."""
    return "=" in measure
