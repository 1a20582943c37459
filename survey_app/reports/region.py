"""The region report (PDF): a region's municipalities side by side, the region total, and
each municipality's own chapters of the wave report.

The side-by-side figures are the region view's
(:func:`survey_app.services.region_view.compare`: each municipality's newest
released figures of one questionnaire version, the region total where a wave
ran across the region), drawn with the region page's interval charts. Each
municipality's maps and tables are the wave report's (:func:`.pdf.report_parts`)
from the result set that holds its districts. Stored figures only, so the
suppression is the pages'.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.targeting import measure_directions, worse_than_city
from survey_app.models import Region, ResultEstimate, ResultSet, Wave
from survey_app.reports.appendix import scale_appendix
from survey_app.reports.chart_style import chart_css
from survey_app.reports.content import AREAS, wave_content
from survey_app.reports.pdf import html_to_pdf, report_parts
from survey_app.services import region_view
from survey_app.services.planner_scope import measure_label, questionnaire_of
from survey_app.services.svg_charts import intervals


@dataclass
class RegionArea:
    """One area: its scales with a small multiple each (municipalities and the region)."""

    id: str
    title: str
    measures: list[tuple[str, str]] = field(default_factory=list)  # (id, label)
    charts: list[dict] = field(default_factory=list)
    findings: list[tuple[str, list[str]]] = field(default_factory=list)


def municipality_result_set(session: Session, municipality_id: int, qid: str,
                            version: str) -> ResultSet | None:
    """The newest released result set of this version holding the municipality's districts."""
    return session.scalars(
        select(ResultSet).join(Wave, Wave.id == ResultSet.wave_id)
        .where(ResultSet.state == "released", ResultSet.questionnaire_id == qid,
               ResultSet.questionnaire_version == version,
               ResultSet.id.in_(select(ResultEstimate.result_set_id).where(
                   ResultEstimate.municipality_id == municipality_id,
                   ResultEstimate.group_var == "district")))
        .order_by(Wave.opens_on.desc(), Wave.id.desc(), ResultSet.released_at.desc())).first()


def _areas(comparison, questionnaire, lang: str) -> list[RegionArea]:
    columns = comparison.municipalities + ([comparison.region] if comparison.region.available
                                           else [])
    directions = measure_directions(questionnaire)
    areas = []
    for area, german, english in AREAS:
        part = RegionArea(area, german if lang == "de" else english)
        for scale in questionnaire.scales:
            if scale.domain != area:
                continue
            label = measure_label(questionnaire, scale.id, lang)
            part.measures.append((scale.id, label))
            rows = [{"label": c.name, **_figure(c.figures.get(scale.id) if c.available
                                                 else None)} for c in columns]
            total = comparison.region.figures.get(scale.id) if comparison.region.available \
                else None
            part.charts.append({"label": label, "chart": intervals(
                rows, reference=total["estimate"] if total else None)})
            named = _worse(comparison, scale.id, directions)
            if named:
                part.findings.append((label, named))
        areas.append(part)
    return areas


def _figure(figure) -> dict:
    if figure is None:
        return {"y": None, "lo": None, "hi": None}
    return {"y": figure["estimate"], "lo": figure["ci_low"], "hi": figure["ci_high"]}


def _worse(comparison, measure: str, directions: dict[str, int]) -> list[str]:
    """Municipalities significantly worse than the region total (region waves only)."""
    rows = [{"name": c.name, "measure": measure, "diff_city": f["diff"],
             "p_adjusted": f["p_adjusted"]} for c in comparison.municipalities
            if c.available and (f := c.figures.get(measure)) is not None
            and f.get("diff") is not None and f.get("p_adjusted") is not None]
    if not rows:
        return []
    frame = pd.DataFrame(rows)
    return sorted(frame[worse_than_city(frame, directions)]["name"])


def region_html(session: Session, region: Region, version: tuple[str, str], lang: str) -> str:
    """The region report as one HTML document in ``lang``."""
    extra = current_app.config.get("QUESTIONNAIRE_DIRS")
    comparison = region_view.compare(session, region, *version)
    with force_locale(lang):
        towns, result_sets = [], {}
        questionnaire = None
        for municipality in sorted(region.municipalities, key=lambda m: m.name.lower()):
            result_set = municipality_result_set(session, municipality.id, *version)
            if result_set is None:
                continue
            questionnaire = questionnaire or questionnaire_of(result_set, extra)
            result_sets[result_set.id] = result_set
            content = wave_content(session, result_set, municipality, questionnaire)
            towns.append(report_parts(session, content, lang, trends=False, responses=False))
        if not towns or questionnaire is None:
            raise LookupError("no released results of this version in the region, or its "
                              "questionnaire file is not installed")
        first = next(iter(result_sets.values()))
        return render_template(
            "reports/region.html", region=region, lang=lang, comparison=comparison,
            version=version, areas=_areas(comparison, questionnaire, lang), towns=towns,
            rs=first, answers=sum(r.shown_responses for r in result_sets.values()),
            threshold=max(r.min_group_size for r in result_sets.values()),
            appendix_scales=scale_appendix(session, first if len(result_sets) == 1 else None,
                                           questionnaire, lang),
            separate_waves=len(result_sets) > 1, chart_css=chart_css())


def region_report_pdf(session: Session, region: Region, version: tuple[str, str],
                      lang: str) -> bytes:
    """The region report as PDF bytes (``LookupError`` if nothing of it is released)."""
    return html_to_pdf(region_html(session, region, version, lang))
