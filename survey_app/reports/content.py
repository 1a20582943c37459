"""A wave's stored figures for one municipality, arranged for reports and data packages.

Reads the released ``result_estimate`` rows (never recomputes them), joins the
district names and labels every measure in German and English from the
questionnaire definition. Each measure belongs to one of the questionnaire's
three areas (the scale's ``domain``); index levels count as wellbeing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import District, Municipality, ResultSet
from survey_app.services.overview import measure_options
from survey_app.services.results import estimates_frame

#: The questionnaire's areas in report order, with German and English names.
AREAS = (("environments", "Umwelten", "Environments"),
         ("wellbeing", "Wohlbefinden", "Wellbeing"),
         ("development", "Entwicklung", "Development"))
#: Number columns of a stored estimate (all empty in a suppressed row).
NUMBERS = ("n", "estimate", "se", "ci_low", "ci_high", "df", "diff_city", "p_value",
           "p_adjusted", "sae_estimate", "sae_rmse", "sae_shrinkage")


@dataclass(frozen=True)
class MeasureInfo:
    """A published measure: its id, statistic, area and labels in both languages."""

    id: str
    statistic: str
    area: str
    label_de: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_de if lang == "de" else self.label_en


@dataclass
class WaveContent:
    """The stored figures of one wave and municipality, with districts and labels."""

    result_set: ResultSet
    municipality: Municipality
    questionnaire: object | None
    districts: list[District]
    frame: pd.DataFrame
    measures: list[MeasureInfo] = field(default_factory=list)

    @property
    def wave(self):
        return self.result_set.wave

    def area_measures(self, area: str) -> list[MeasureInfo]:
        return [m for m in self.measures if m.area == area]


def _area_of(measure_id: str, questionnaire) -> str:
    if questionnaire is None:
        return "wellbeing"
    base = measure_id.split("_category=")[0]
    for scale in questionnaire.scales:
        if scale.id == base:
            return scale.domain
    return "wellbeing"  # index levels (the wellbeing index) and anything unknown


def measures(questionnaire, available: set[str]) -> list[MeasureInfo]:
    """Every stored measure with its area and labels (needs an app context for the words)."""
    with force_locale("de"):
        german = {m.id: m for m in measure_options(questionnaire, available, "de")}
    with force_locale("en"):
        english = {m.id: m for m in measure_options(questionnaire, available, "en")}
    order = {area: k for k, (area, _de, _en) in enumerate(AREAS)}
    found = [MeasureInfo(mid, german[mid].statistic, _area_of(mid, questionnaire),
                         german[mid].label, english[mid].label) for mid in german]
    return sorted(found, key=lambda m: order.get(m.area, 99))  # stable: definition order


def wave_content(session: Session, result_set: ResultSet, municipality: Municipality,
                 questionnaire) -> WaveContent:
    """The stored district rows (``all`` and ``dont_know`` included) with names and labels."""
    frame = estimates_frame(session, result_set, municipality.id)
    districts = list(session.scalars(select(District).where(
        District.municipality_id == municipality.id).order_by(District.code)))
    names = {d.id: d for d in districts}
    frame["district_code"] = [names[int(i)].code if pd.notna(i) and int(i) in names else ""
                              for i in frame["district_id"]]
    frame["district_name"] = [names[int(i)].name if pd.notna(i) and int(i) in names else key
                              for i, key in zip(frame["district_id"], frame["group_key"])]
    for column in NUMBERS:  # belt and braces: a suppressed row never carries a number
        frame[column] = frame[column].astype(object).where(~frame["suppressed"].astype(bool),
                                                           None)
    content = WaveContent(result_set, municipality, questionnaire, districts, frame)
    content.measures = measures(questionnaire, set(frame["measure"]))
    return content
