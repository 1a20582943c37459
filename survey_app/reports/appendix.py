"""The wave report's appendix: every scale's reliability and the wording of its items.

Reliability (Cronbach's alpha, McDonald's omega, overall and per language) is
read as it was stored with the results
(:func:`survey_app.services.results_reliability.stored_reliability`), never
recomputed; a language below the threshold was not stored, so it cannot appear.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey_app.services.results_reliability import shown_wave_totals, stored_reliability


@dataclass
class ReliabilityRow:
    """One line of the reliability table: a scale in one group."""

    group: str
    n: int | None
    alpha: float | None
    omega: float | None
    note: str = ""


@dataclass
class ScaleAppendix:
    """A scale: its label, its items (code, wording, reverse-coded) and its reliability."""

    id: str
    label: str
    items: list[tuple[str, str, bool]] = field(default_factory=list)
    reliability: list[ReliabilityRow] = field(default_factory=list)


def language_name(code: str, lang: str) -> str:
    """The language's name in the report's language (``tr`` -> "Türkisch" in German)."""
    try:
        return Locale.parse(code).get_display_name(lang) or code
    except (UnknownLocaleError, ValueError):
        return code


def _text(texts, lang: str) -> str:
    return (texts.get(lang) or texts.get("de") or "") if texts else ""


def scale_appendix(session: Session, result_set, questionnaire, lang: str
                   ) -> list[ScaleAppendix]:
    """Every scale of the definition with its items and its stored reliability.

    ``result_set`` None: the items only (a region report whose municipalities
    answered in separate waves has no one reliability to show). The whole
    wave's n is the published wave total's, and empty where that is hidden
    (:func:`survey_app.services.results_reliability.shown_wave_totals`).
    """
    if questionnaire is None:
        return []
    stored = {s.scale: s for s in stored_reliability(result_set)} if result_set else {}
    totals = shown_wave_totals(session, result_set) if result_set else {}
    out = []
    for scale in questionnaire.scales:
        entry = ScaleAppendix(scale.id, _text(scale.label, lang) or scale.id)
        for code in scale.items:
            item = questionnaire.item(code)
            entry.items.append((code, _text(item.text, lang), bool(getattr(item, "reverse",
                                                                           False))))
        for group in stored[scale.id].groups if scale.id in stored else []:
            name = _("all pupils") if group.group == "all" else language_name(group.group, lang)
            n = totals.get(scale.id) if group.group == "all" else None
            entry.reliability.append(ReliabilityRow(name, n, group.alpha, group.omega,
                                                    group.note))
        out.append(entry)
    return out
