"""Scale reliability stored with a wave's results (the wave report's appendix).

Computed in the same step as the estimates, from the same answers, with the
analysis library's :func:`analysis.scale_reliability` (alpha and omega checked
against R ``psych``), and stored as JSON on the result set, so that a report
reads it and never recomputes: a released wave's reliability is frozen with
its figures.

Privacy: a language with fewer pupils answering a scale than the threshold is
left out entirely. Only the whole wave's number of pupils is kept: the
number of one language is not, because the whole minus the shown languages
would count the pupils of a hidden one. The whole wave's number is the wave
total's of the stored results, and is shown only where that total is
(:func:`shown_wave_totals`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis import scale_reliability
from survey_app.models import ResultEstimate


@dataclass(frozen=True)
class GroupReliability:
    """Alpha and omega of one scale in one group (``all`` or a language code)."""

    group: str
    alpha: float | None
    omega: float | None
    n: int | None = None
    note: str = ""


@dataclass
class ScaleReliability:
    """One scale: its items' number and its groups, the whole wave first."""

    scale: str
    n_items: int
    groups: list[GroupReliability] = field(default_factory=list)


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, 6)


def reliability_json(frame: pd.DataFrame, questionnaire, min_group_size: int) -> str:
    """Every scale's alpha and omega, overall and per language, as the JSON to store."""
    by = "language" if "language" in frame.columns else None
    result = scale_reliability(frame, questionnaire, by=by, min_n=min_group_size,
                               errors="coerce", item_table=False)  # items are not shown
    scales: dict[str, dict] = {}
    for row in result.scales.itertuples(index=False):
        entry = scales.setdefault(row.scale, {
            "scale": row.scale, "n_items": len(questionnaire.scale(row.scale).items),
            "groups": []})
        if row.suppressed:
            continue  # a language below the threshold: not shown, not even that it exists
        group = {"group": str(row.group), "alpha": _number(row.alpha),
                 "omega": _number(row.omega_total), "note": row.note or ""}
        if row.group_var == "all":
            group["n"] = None if pd.isna(row.n) else int(row.n)
        entry["groups"].append(group)
    return json.dumps({"by": by, "min_group_size": min_group_size,
                       "scales": list(scales.values())}, ensure_ascii=False)


def keep_earlier_reliability(computed: str, released: list, min_group_size: int) -> str:
    """The reliability to store with a new release of a wave released before.

    A scale whose number of pupils differs from an earlier release's by 1 to
    ``min_group_size - 1`` would show how many pupils came or went and which
    scales they answered, and its alpha and omega would move with their
    answers alone (found by attacking the reports, issue 12). Such a scale
    keeps the latest release's entry, which is published already; if that
    has none, the scale is shown without figures.
    """
    if not released:
        return computed
    data = json.loads(computed)
    earlier = [{e["scale"]: e for e in json.loads(r.reliability or "{}").get("scales", [])}
               for r in released]
    for position, entry in enumerate(data["scales"]):
        n = _pupils(entry)
        before = [_pupils(scales.get(entry["scale"])) for scales in earlier]
        if n is not None and any(old is not None and 0 < abs(n - old) < min_group_size
                                 for old in before):
            data["scales"][position] = earlier[-1].get(entry["scale"]) or {**entry, "groups": []}
    return json.dumps(data, ensure_ascii=False)


def _pupils(entry: dict | None) -> int | None:
    """The whole wave's number of pupils of a stored scale entry (``None`` if not given)."""
    for group in (entry or {}).get("groups", []):
        if group.get("n") is not None:
            return int(group["n"])
    return None


def stored_reliability(result_set) -> list[ScaleReliability]:
    """The stored reliability of a result set (empty for results computed before it was kept)."""
    if not result_set.reliability:
        return []
    data = json.loads(result_set.reliability)
    out = []
    for entry in data.get("scales", []):
        scale = ScaleReliability(entry["scale"], entry.get("n_items") or 0)
        for g in entry.get("groups", []):
            scale.groups.append(GroupReliability(g["group"], g.get("alpha"), g.get("omega"),
                                                 g.get("n"), g.get("note", "")))
        if scale.groups:
            out.append(scale)
    return out


def shown_wave_totals(session: Session, result_set) -> dict[str, int]:
    """Each scale's number of pupils in the whole wave, where the results show it.

    The appendix printed each scale's n over the whole wave; in a region wave
    that is the region total, which disclosure control may hide (found by
    attacking a region wave, issue 12: the appendix's n minus the shown towns'
    gave a small town's 6 pupils per scale). So a scale's n is shown only as
    its published wave total: the municipality's total of a municipality's
    wave, the region's of a region wave; a hidden total is left out.
    """
    wave = result_set.wave
    if wave.municipality_id is not None:
        where = (ResultEstimate.group_var == "district",
                 ResultEstimate.municipality_id == wave.municipality_id)
    else:
        where = (ResultEstimate.group_var == "municipality",
                 ResultEstimate.municipality_id.is_(None))
    rows = session.execute(select(ResultEstimate.measure, ResultEstimate.n).where(
        ResultEstimate.result_set_id == result_set.id, ResultEstimate.group_key == "all",
        ResultEstimate.statistic == "mean", ResultEstimate.suppressed.is_(False), *where))
    return {measure: n for measure, n in rows if n is not None}
