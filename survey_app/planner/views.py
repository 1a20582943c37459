"""The planner's overview: a released wave of a municipality as a map, a table and downloads."""

from __future__ import annotations

import re

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from survey_app.services.planner_scope import visible_municipality_ids
from survey_app.extensions import db
from survey_app.models import District, Wave
from survey_app.planner import bp
from survey_app.planner_insights.access import municipality_or_404
from survey_app.planner.table import overview_table, profile_table
from survey_app.services import overview as overviews
from survey_app.services import questionnaires, results
from survey_app.services.profile import build_profile
from survey_app.services.table_download import DownloadTable, download_response


def _lang() -> str:
    return get_locale().language if get_locale() else "de"


def _questionnaire(result_set):
    try:
        return questionnaires.find(result_set.questionnaire_id, result_set.questionnaire_version,
                                   result_set.questionnaire_hash,
                                   current_app.config.get("QUESTIONNAIRE_DIRS"))
    except questionnaires.QuestionnaireNotFound:
        return None  # labels fall back to the measure ids


def _released(wave_id: int, municipality_id: int):
    """The released results of a wave and a municipality the user may see; 404 otherwise."""
    municipality = municipality_or_404(municipality_id)  # 404, not 403: reveal nothing
    wave = db.session.get(Wave, wave_id) or abort(404)
    result_set = results.released(db.session, wave.id) or abort(404)
    if not overviews.covers(db.session, result_set, municipality):
        abort(404)
    return result_set, municipality


def _overview(wave_id: int, municipality_id: int) -> overviews.Overview:
    result_set, municipality = _released(wave_id, municipality_id)
    sort = request.args.get("sort", "district")
    return overviews.build_overview(
        db.session, result_set, municipality, _questionnaire(result_set), _lang(),
        measure_id=request.args.get("measure"), view=request.args.get("view", "level"),
        sort=sort if sort in overviews.SORT_KEYS else "district",
        descending=request.args.get("order") == "desc")


@bp.route("/")
def index():
    """The newest released results the user may see, or a page saying there are none yet."""
    available = overviews.visible_results(db.session, visible_municipality_ids(current_user))
    if not available:
        return render_template("staff/planner/none.html")
    result_set, municipality = available[0]
    return redirect(url_for("planner.overview", wave_id=result_set.wave_id,
                            municipality_id=municipality.id))


@bp.route("/waves/<int:wave_id>/municipalities/<int:municipality_id>")
def overview(wave_id: int, municipality_id: int):
    """A measure by district: choropleth map, city total, "don't know", sortable table."""
    view = _overview(wave_id, municipality_id)
    available = overviews.visible_results(db.session, visible_municipality_ids(current_user))
    return render_template("staff/planner/overview.html", o=view, available=available,
                           args=_shown_args(view), lang=_lang())


def _shown_args(view: overviews.Overview) -> dict:
    return {"measure": view.measure.id, "view": view.view,
            "sort": request.args.get("sort", "district"),
            "order": "desc" if request.args.get("order") == "desc" else "asc"}


def _filename(view: overviews.Overview) -> str:
    stem = f"{view.wave.name}_{view.municipality.name}_{view.measure.id}"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem)[:120]


@bp.route("/waves/<int:wave_id>/municipalities/<int:municipality_id>/table.<fmt>")
def download(wave_id: int, municipality_id: int, fmt: str):
    """The table behind the map as CSV or XLSX (headers in the page language)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    view = _overview(wave_id, municipality_id)
    headers, rows, notes = overview_table(view)
    return _file(fmt, headers, rows, notes, view.municipality.name, _filename(view))


def _profile(wave_id: int, municipality_id: int, district_id: int):
    result_set, municipality = _released(wave_id, municipality_id)
    district = db.session.get(District, district_id)
    if district is None or district.municipality_id != municipality.id:
        abort(404)
    return build_profile(db.session, result_set, municipality, district,
                         _questionnaire(result_set), _lang(),
                         current_app.config.get("QUESTIONNAIRE_DIRS"))


@bp.route("/waves/<int:wave_id>/municipalities/<int:municipality_id>/districts/"
          "<int:district_id>")
def profile(wave_id: int, municipality_id: int, district_id: int):
    """Every scale and index of one district beside the city, with a short summary."""
    return render_template("staff/planner/profile.html",
                           p=_profile(wave_id, municipality_id, district_id),
                           wave_id=wave_id, lang=_lang())


@bp.route("/waves/<int:wave_id>/municipalities/<int:municipality_id>/districts/"
          "<int:district_id>/table.<fmt>")
def profile_download(wave_id: int, municipality_id: int, district_id: int, fmt: str):
    """The district profile's table as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    shown = _profile(wave_id, municipality_id, district_id)
    headers, rows, notes = profile_table(shown)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{shown.result_set.wave.name}_"
                  f"{shown.district.name}")[:120]
    return _file(fmt, headers, rows, notes, shown.district.name, name)


def _file(fmt: str, headers, rows, notes, title: str, filename: str) -> Response:
    """The table as a download in the page language's CSV format, or XLSX with its notes."""
    return download_response(DownloadTable(headers, rows, title, notes), fmt, filename, _lang())


@bp.app_template_filter("measure_value")
def measure_value(value, statistic: str) -> str:
    """A mean with two decimals, a share as a whole percentage, in the page's locale."""
    from flask_babel import format_decimal, format_percent

    if value is None:
        return "–"
    if statistic == "share":
        return format_percent(value, "#,##0 %")
    return format_decimal(value, "#,##0.00")


@bp.app_template_filter("difference_value")
def difference_value(value, statistic: str) -> str:
    """A signed difference: percentage points for shares, two decimals for means."""
    from flask_babel import format_decimal

    if value is None:
        return "–"
    if statistic == "share":
        return _("%(value)s pp", value=format_decimal(value * 100, "+#,##0;−#,##0"))
    return format_decimal(value, "+#,##0.00;−#,##0.00")


@bp.app_template_filter("p_value")
def p_value(value) -> str:
    """An adjusted p-value with three decimals ("< 0.001" below that), in the page's locale."""
    from flask_babel import format_decimal

    if value is None:
        return "–"
    if value < 0.001:
        return "< " + format_decimal(0.001, "0.000")
    return format_decimal(value, "0.000")


@bp.app_template_filter("indicator_value")
def indicator_value(value) -> str:
    """A social indicator as the city delivered it (up to two decimals), in the page's locale."""
    from survey_app.planner_insights.formatting import decimal_text

    return "–" if value is None else decimal_text(value, "#,##0.##")
