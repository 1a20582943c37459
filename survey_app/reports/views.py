"""Downloads of a released wave for planners: the data package and the wave report.

Registered on the planner blueprint (planners and admins only); the same 404
as the overview for a municipality the user may not see or a wave without
released results.
"""

from __future__ import annotations

import re

from flask import Response, abort, current_app

from survey_app.extensions import db
from survey_app.planner import bp
from survey_app.planner.views import _questionnaire, _released
from survey_app.reports.content import wave_content
from survey_app.reports.package import definition_file, package_zip
from survey_app.reports.pdf import wave_report_pdf


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
