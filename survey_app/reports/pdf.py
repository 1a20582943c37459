"""The wave report as a PDF: HTML and the planner pages' SVG map rendered by WeasyPrint.

The report's maps are drawn from the same :class:`~survey_app.services.overview.Overview`
by the same macro (``charts/_map.html``) as the planner's overview, and its trend
charts by the trend page's macro, so a printed figure never differs from the page.
Words come from the gettext catalogues (German and English).
All figures come from the stored results (:mod:`.content`); the key findings
use the same rule as the needs matrix (:func:`analysis.targeting.worse_than_city`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from analysis.targeting import measure_directions, worse_than_city
from survey_app.reports.appendix import scale_appendix
from survey_app.reports.chart_style import chart_css
from survey_app.reports.content import AREAS, WaveContent
from survey_app.reports.responses import response_rows
from survey_app.reports.trends import wave_trends
from survey_app.services import results_response_table as response_table
from survey_app.services.overview import ALPHA, build_overview

@dataclass
class Finding:
    """Districts significantly worse than the city on one measure."""

    label: str
    districts: list[str]


@dataclass
class AreaSection:
    """One area of the questionnaire: a small map per scale and a table of the districts."""

    id: str
    title: str
    overviews: list = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _findings(content: WaveContent, measure_ids: list[str], labels: dict[str, str]
              ) -> list[Finding]:
    frame = content.frame
    frame = frame[frame["district_id"].notna() & frame["measure"].isin(measure_ids)].copy()
    if frame.empty or content.questionnaire is None:
        return []
    frame["worse"] = worse_than_city(frame, measure_directions(content.questionnaire), ALPHA)
    out = []
    for measure in measure_ids:
        names = sorted(frame[(frame["measure"] == measure) & frame["worse"]]["district_name"])
        if names:
            out.append(Finding(labels[measure], list(names)))
    return out


def _sections(session: Session, content: WaveContent, lang: str) -> list[AreaSection]:
    sections = []
    for area, german, english in AREAS:
        section = AreaSection(area, german if lang == "de" else english)
        means = [m for m in content.area_measures(area) if m.statistic == "mean"]
        for measure in means:
            section.overviews.append(build_overview(
                session, content.result_set, content.municipality, content.questionnaire, lang,
                measure_id=measure.id))
        section.findings = _findings(content, [m.id for m in means],
                                     {m.id: m.label(lang) for m in means})
        sections.append(section)
    return sections


def _index_overviews(session: Session, content: WaveContent, lang: str) -> list:
    """The wellbeing index's levels (share of pupils), mapped like the scales."""
    levels = [m for m in content.measures if m.statistic == "share" and "_category=" not in m.id]
    return [build_overview(session, content.result_set, content.municipality,
                           content.questionnaire, lang, measure_id=m.id) for m in levels]


def report_html(session: Session, content: WaveContent, lang: str) -> str:
    """The wave report as one HTML document (rendered in ``lang``)."""
    with force_locale(lang):
        return render_template("reports/wave.html", **report_parts(session, content, lang))


def report_parts(session: Session, content: WaveContent, lang: str, *, trends: bool = True,
                 responses: bool = True) -> dict:
    """What the wave report shows of one municipality (call inside ``force_locale(lang)``);
    the region report shows the same parts for each of its municipalities (without trends
    and the response table, which it gives for the region)."""
    sections = _sections(session, content, lang)
    indices = _index_overviews(session, content, lang)
    index_findings = _findings(content, [o.measure.id for o in indices],
                               {o.measure.id: o.measure.label for o in indices})
    return dict(
        c=content, rs=content.result_set, lang=lang, sections=sections, indices=indices,
        index_findings=index_findings,
        responses=response_rows(session, content) if responses else None,
        responses_kept=response_table.kept_earlier(content.result_set),
        trends=wave_trends(session, content, lang, current_app.config.get("QUESTIONNAIRE_DIRS"))
        if trends else [],
        appendix_scales=scale_appendix(session, content.result_set, content.questionnaire,
                                       lang),
        threshold=content.result_set.min_group_size, chart_css=chart_css())


def html_to_pdf(html: str) -> bytes:
    """Render HTML (no external resources: everything is inline) to an accessible PDF.

    PDF/UA-1 (WeasyPrint's ``pdf_variant``): tagged structure (headings, tables,
    figures with their text alternatives), the document language from
    ``<html lang>`` and the title from ``<title>``, shown as the window title.
    """
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=_no_fetching()).write_pdf(
        pdf_variant="pdf/ua-1")


def _no_fetching():
    """WeasyPrint's fetcher for the resources a report names: none is fetched.

    Reports are self-contained, and names typed by staff are escaped; should markup
    ever reach a report, it must not read a server file into the PDF or make the
    server fetch an address (WeasyPrint's default fetcher does both: found by
    attacking the reports, issue 12). Newer WeasyPrint releases take a
    ``URLFetcher`` allowing no protocol; earlier releases a function.
    """
    try:
        from weasyprint import URLFetcher
    except ImportError:
        def refuse(url: str, *args, **kwargs):
            raise ValueError(f"reports fetch no resources ({url[:60]})")
        return refuse
    return URLFetcher(allowed_protocols=())


def wave_report_pdf(session: Session, content: WaveContent, lang: str) -> bytes:
    """The wave report of one municipality in ``lang`` (``de`` or ``en``) as PDF bytes."""
    return html_to_pdf(report_html(session, content, lang))
