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
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.targeting import measure_directions, worse_than_city
from survey_app.models import School
from survey_app.reports.appendix import scale_appendix
from survey_app.reports.chart_style import chart_css
from survey_app.reports.content import AREAS, WaveContent
from survey_app.reports.trends import wave_trends
from survey_app.services import monitoring
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


@dataclass
class ResponseRow:
    school_type: str | None
    grade: int
    enrolled: int
    submitted: int
    hidden: bool = False

    def rate(self, threshold: int) -> float | None:
        """The response rate, or ``None`` where the row is hidden (:func:`hide_small_rows`)."""
        if self.hidden or self.submitted < threshold or self.enrolled < threshold:
            return None
        return self.submitted / self.enrolled


def response_rows(session: Session, content: WaveContent) -> list[ResponseRow]:
    """Enrolled and answered by school type and grade, for the municipality's schools, as
    kept with the release (:mod:`survey_app.services.results_response_table`), with the
    rows that must not be shown marked (:func:`hide_small_rows`).

    The rows are hidden together with those of the wave's other municipalities: the
    report of a region wave says how many questionnaires the whole region had, and
    that minus one town's complete table was the other towns' count (found by
    attacking a region wave, issue 12: a neighbouring town's 6 pupils).
    """
    stored = response_table.stored_tables(content.result_set)
    tables = {municipality: [ResponseRow(*row) for row in rows]
              for municipality, rows in stored.items()} if stored is not None \
        else _live_tables(session, content.wave.id)
    hide_small_rows([row for rows in tables.values() for row in rows],
                    content.result_set.min_group_size)
    return tables.get(str(content.municipality.id), [])


def _live_tables(session: Session, wave_id: int) -> dict[str, list[ResponseRow]]:
    """Counted from the classes' code states now, per municipality of the schools: result
    sets computed before the table was kept with them."""
    homes = dict(session.execute(select(School.id, School.municipality_id)).all())
    grouped: dict[tuple, ResponseRow] = {}
    for row in monitoring.class_rows(session, wave_id):
        key = (str(homes[row.school_id]), row.school_type or "", row.grade)
        found = grouped.setdefault(key, ResponseRow(row.school_type, row.grade, 0, 0))
        found.enrolled += row.enrolled
        found.submitted += row.submitted
    tables: dict[str, list[ResponseRow]] = {}
    for key in sorted(grouped):
        tables.setdefault(key[0], []).append(grouped[key])
    return tables


def hide_small_rows(rows: list[ResponseRow], threshold: int) -> None:
    """Mark the rows of fewer than ``threshold`` pupils, and as many more as protect them.

    The report prints how many questionnaires were analysed, and the rows add
    up to it: one hidden row would be that total minus the shown ones (found
    by attacking the report, issue 12). So while the hidden rows together hold
    between 1 and ``threshold - 1`` answers, the smallest shown row is hidden
    too; then only a sum of at least ``threshold`` pupils can be worked out.
    """
    for row in rows:
        row.hidden = row.submitted < threshold or row.enrolled < threshold
    while 0 < sum(row.submitted for row in rows if row.hidden) < threshold:
        shown = [row for row in rows if not row.hidden]
        if not shown:
            return
        min(shown, key=lambda row: (row.submitted, row.enrolled)).hidden = True


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

    return HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1")


def wave_report_pdf(session: Session, content: WaveContent, lang: str) -> bytes:
    """The wave report of one municipality in ``lang`` (``de`` or ``en``) as PDF bytes."""
    return html_to_pdf(report_html(session, content, lang))
