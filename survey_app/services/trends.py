"""Trends: one measure across the released waves of a municipality, city and districts.

Waves are joined only where the measure was defined the same way
(:func:`analysis.comparability.measure_fingerprints`: same scale id, same
items, scoring and cut-offs); a wave whose scale changed is listed as not
comparable and left out, never drawn into the line. A wave where a group is
suppressed has no point for it, and its line breaks there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from analysis.comparability import measure_fingerprints
from survey_app.models import Municipality
from survey_app.services.planner_scope import ReleasedWave, questionnaire_of, released_waves
from survey_app.services.results import estimates_frame

#: A point: (estimate, ci_low, ci_high, n), or ``None`` where the group is suppressed.
Point = tuple | None


@dataclass
class TrendSeries:
    """One group's points, one per comparable wave."""

    key: str
    name: str
    points: list[Point]


@dataclass
class Trend:
    """The comparable waves, the series (city first) and the waves left out with why."""

    waves: list[ReleasedWave]
    series: list[TrendSeries] = field(default_factory=list)
    excluded: list[tuple[str, str]] = field(default_factory=list)


def wave_fingerprints(waves: list[ReleasedWave], extra_dirs: str | None
                      ) -> dict[int, dict[str, str]]:
    """Per wave id, the fingerprint of every measure of its questionnaire (empty when the
    questionnaire file is not installed: such a wave compares with nothing)."""
    prints = {}
    for released in waves:
        questionnaire = questionnaire_of(released.result_set, extra_dirs)
        prints[released.wave.id] = _fingerprints(questionnaire) if questionnaire else {}
    return prints


_KNOWN: dict[tuple[str, str, str], dict[str, str]] = {}


def _fingerprints(questionnaire) -> dict[str, str]:
    """A definition's fingerprints, worked out once per content hash (pages ask often)."""
    key = (questionnaire.id, questionnaire.version, questionnaire.content_hash)
    if key not in _KNOWN:
        _KNOWN[key] = measure_fingerprints(questionnaire)
    return _KNOWN[key]


def comparable_waves(municipality: Municipality, waves: list[ReleasedWave], measure: str,
                     extra_dirs: str | None) -> tuple[list[ReleasedWave], list[tuple[str, str]]]:
    """The waves whose definition of ``measure`` equals the newest wave's, and the others."""
    prints = {wave_id: found.get(measure)
              for wave_id, found in wave_fingerprints(waves, extra_dirs).items()}
    reference = next((prints[r.wave.id] for r in reversed(waves) if prints[r.wave.id]), None)
    kept, excluded = [], []
    for released in waves:
        fingerprint = prints[released.wave.id]
        if fingerprint is not None and fingerprint == reference:
            kept.append(released)
        elif fingerprint is None:
            excluded.append((released.wave.name, _(
                "the measure is not part of its questionnaire, or the questionnaire file "
                "is not installed")))
        else:
            excluded.append((released.wave.name, _(
                "the scale was defined differently (other items, scoring or cut-offs), so "
                "its results are not comparable")))
    return kept, excluded


def trend(session: Session, municipality: Municipality, measure: str,
          extra_dirs: str | None) -> Trend:
    """The city and every district of ``municipality`` across the comparable waves."""
    waves, excluded = comparable_waves(municipality, released_waves(session, municipality),
                                       measure, extra_dirs)
    result = Trend(waves, excluded=excluded)
    by_wave = []
    for released in waves:
        frame = estimates_frame(session, released.result_set, municipality.id)
        frame = frame[frame["measure"] == measure]
        by_wave.append({(str(int(r.district_id)) if not _missing(r.district_id) else r.group_key):
                        r for r in frame.itertuples()})
    groups = [("all", _("whole city"))] + [(str(d.id), d.name) for d in municipality.districts]
    for key, name in groups:
        result.series.append(TrendSeries(key, name, [_point(rows.get(key)) for rows in by_wave]))
    return result


def _point(row) -> Point:
    if row is None or row.suppressed or _missing(row.estimate):
        return None
    return (float(row.estimate), None if _missing(row.ci_low) else float(row.ci_low),
            None if _missing(row.ci_high) else float(row.ci_high), int(row.n))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
