"""Trend page: one measure across the comparable released waves, city and districts."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _

from survey_app.extensions import db
from survey_app.planner_insights import bp
from survey_app.planner_insights.access import municipality_or_404, questionnaire_for
from survey_app.planner_insights.formatting import download_number, lang, threshold
from survey_app.services.planner_scope import (is_share, measure_choices, measure_label,
                                               released_waves)
from survey_app.services.svg_charts import lines
from survey_app.services.table_download import DownloadTable, download_response
from survey_app.services.trends import trend


def _trend(municipality_id: int) -> dict:
    municipality = municipality_or_404(municipality_id)
    waves = released_waves(db.session, municipality)
    state = {"municipality": municipality, "trend": None, "measures": [], "chart": None,
             "measure": None, "district": None}
    questionnaire = questionnaire_for(waves[-1]) if waves else None
    if questionnaire is None:
        state["questionnaire_missing"] = bool(waves)
        return state
    state["measures"] = measure_choices(questionnaire, lang())
    keys = [m for m, _l in state["measures"]]
    measure = request.args.get("measure")
    state["measure"] = measure if measure in keys else keys[0]
    state["measure_label"] = measure_label(questionnaire, state["measure"], lang())
    state["share"] = is_share(state["measure"])
    result = trend(db.session, municipality, state["measure"],
                   current_app.config.get("QUESTIONNAIRE_DIRS"))
    state["trend"] = result
    districts = result.series[1:]
    wanted = request.args.get("district")
    state["district"] = next((s for s in districts if s.key == wanted),
                             districts[0] if districts else None)
    shown = [result.series[0]] + ([state["district"]] if state["district"] else [])
    state["chart"] = lines([r.wave.name for r in result.waves], [
        {"name": s.name, "css": "series-city" if s.key == "all" else "series-district",
         "values": [None if p is None else p[:3] for p in s.points]} for s in shown])
    return state


@bp.route("/municipalities/<int:municipality_id>/trends")
def trends(municipality_id: int):
    """A measure across the waves that defined it the same way."""
    state = _trend(municipality_id)
    waves = state["trend"].waves if state["trend"] else []
    return render_template("staff/planner/trends_measure.html",
                           threshold=waves[-1].result_set.min_group_size if waves
                           else threshold(), **state)


@bp.route("/municipalities/<int:municipality_id>/trends.<fmt>")
def trends_download(municipality_id: int, fmt: str):
    """The table behind the trend chart as CSV or XLSX (one row per group and wave)."""
    state = _trend(municipality_id)
    result = state["trend"]
    share = state.get("share", False)
    unit = " (%)" if share else ""
    table = DownloadTable([_("Area"), _("Wave"), _("Pupils (n)"), _("Estimate") + unit,
                           _("Lower limit (95 % CI)") + unit, _("Upper limit (95 % CI)") + unit,
                           _("Note")], title=_("Trend"))
    for series in result.series if result is not None else []:
        for released, point in zip(result.waves, series.points):
            if point is None:
                table.rows.append([series.name, released.wave.name, None, None, None, None,
                                   _("fewer than %(k)d pupils or no figure",
                                     k=released.result_set.min_group_size)])
            else:
                table.rows.append([series.name, released.wave.name, point[3],
                                   download_number(point[0], share),
                                   download_number(point[1], share),
                                   download_number(point[2], share), ""])
    return download_response(table, fmt, f"trend_{state['municipality'].name}_"
                             f"{state['measure'] or ''}", lang())

