"""PDF reports and the data package as downloads.

The wave's data package, wave report and district reports are on the planner
blueprint (planners and admins only; the same 404 as the overview for a
municipality the user may not see or a wave without released results); the
school report is on the school-results blueprint (admins and coordinators; the
same 404 as the school's page for another school).
"""

from __future__ import annotations

import re

from flask import Response, abort, current_app, request
from flask_babel import force_locale

from survey_app.extensions import db
from survey_app.models import District
from survey_app.planner import bp
from survey_app.planner.views import _questionnaire, _released
from survey_app.planner_insights.access import region_or_404
from survey_app.school_results import bp as school_bp
from survey_app.school_results.views import _school
from survey_app.reports.content import wave_content
from survey_app.reports.documents import district_report_pdf, school_report_pdf
from survey_app.reports.package import definition_file, package_zip
from survey_app.reports.pdf import wave_report_pdf
from survey_app.reports.region import region_report_pdf
from survey_app.services import region_view


def _stem(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", "_".join(parts))[:120]


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.route("/waves/<int:wave_id>/municipalities/<int:municipality_id>/package.zip")
def data_package(wave_id: int, municipality_id: int):
    """The wave's data package (CSV, XLSX, SPSS, GeoJSON, definition, codebook) as a zip."""
    result_set, municipality = _released(wave_id, municipality_id)
    content = wave_content(db.session, result_set, municipality, _questionnaire(result_set))
    body = package_zip(content, definition_file(
        result_set, current_app.config.get("QUESTIONNAIRE_DIRS")))
    return _attachment(body, "application/zip",
                       _stem(result_set.wave.name, municipality.name, "data") + ".zip")


@bp.route("/waves/<int:wave_id>/municipalities/<int:municipality_id>/report-<lang>.pdf")
def wave_report(wave_id: int, municipality_id: int, lang: str):
    """The wave report as a PDF in German or English."""
    if lang not in ("de", "en"):
        abort(404)
    result_set, municipality = _released(wave_id, municipality_id)
    content = wave_content(db.session, result_set, municipality, _questionnaire(result_set))
    return _attachment(wave_report_pdf(db.session, content, lang), "application/pdf",
                       _stem(result_set.wave.name, municipality.name, "report", lang) + ".pdf")


@bp.route("/waves/<int:wave_id>/municipalities/<int:municipality_id>/districts/"
          "<int:district_id>/report-<lang>.pdf")
def district_report(wave_id: int, municipality_id: int, district_id: int, lang: str):
    """The district profile as a printable PDF for a district conference."""
    if lang not in ("de", "en"):
        abort(404)
    result_set, municipality = _released(wave_id, municipality_id)
    district = db.session.get(District, district_id)
    if district is None or district.municipality_id != municipality.id:
        abort(404)
    with force_locale(lang):
        body = district_report_pdf(db.session, result_set, municipality, district,
                                   _questionnaire(result_set), lang)
    return _attachment(body, "application/pdf",
                       _stem(result_set.wave.name, district.name, lang) + ".pdf")


@bp.route("/regions/<int:region_id>/report-<lang>.pdf")
def region_report(region_id: int, lang: str):
    """The region report (municipalities side by side, each by district) as a PDF, for
    planners assigned to the region (``?version=QID@VERSION``, default the newest)."""
    if lang not in ("de", "en"):
        abort(404)
    region = region_or_404(region_id)
    versions = region_view.versions(db.session, region)
    wanted = request.args.get("version", "")
    chosen = next((v for v in versions if f"{v[0]}@{v[1]}" == wanted),
                  versions[0] if versions else None)
    if chosen is None:
        abort(404)
    try:
        body = region_report_pdf(db.session, region, chosen, lang)
    except LookupError:
        abort(404)
    return _attachment(body, "application/pdf",
                       _stem(region.name, chosen[0], chosen[1], "report", lang) + ".pdf")


@school_bp.route("/<int:school_id>/report-<lang>.pdf")
def school_report(school_id: int, lang: str):
    """A school's results beside the city as a PDF for its coordinator (only above the
    threshold; another school's report answers 404)."""
    if lang not in ("de", "en"):
        abort(404)
    with force_locale(lang):
        state = _school(school_id)
        result_set = state["result"].result_set
        body = school_report_pdf(state, result_set.min_group_size if result_set
                                 else current_app.config["MIN_GROUP_SIZE"], lang)
    return _attachment(body, "application/pdf",
                       _stem(state["school"].name, state["result"].wave.name
                             if state["result"].wave else "", lang) + ".pdf")
