"""Targeting pages: the needs matrix and the scatter against a district indicator."""

from __future__ import annotations

import math

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.extensions import db
from survey_app.planner_insights import bp
from survey_app.planner_insights.access import chosen_wave, municipality_or_404, questionnaire_for
from survey_app.planner_insights.formatting import download_number, lang, threshold
from survey_app.services import targeting
from survey_app.services.planner_scope import (is_share, measure_choices, measure_label,
                                               municipalities, regions)
from survey_app.services.svg_charts import scatter as scatter_geometry
from survey_app.services.table_download import DownloadTable, download_response


@bp.route("/insights")
def insights():
    """The planner's entry to targeting, trends, indicators and the region view."""
    return render_template("staff/planner/insights_index.html",
                           municipalities=municipalities(db.session, current_user),
                           regions=regions(db.session, current_user))


def _matrix(municipality_id: int):
    municipality = municipality_or_404(municipality_id)
    waves, chosen = chosen_wave(municipality)
    questionnaire = questionnaire_for(chosen)
    sort = "name" if request.args.get("sort") == "name" else "marks"
    matrix = None
    if questionnaire is not None:
        matrix = targeting.needs_matrix(db.session, chosen.result_set, municipality,
                                        questionnaire, lang(), sort)
    return municipality, waves, chosen, questionnaire, sort, matrix


@bp.route("/municipalities/<int:municipality_id>/needs")
def needs(municipality_id: int):
    """Districts x measures, marked where children fare significantly worse than the city."""
    municipality, waves, chosen, questionnaire, sort, matrix = _matrix(municipality_id)
    return render_template("staff/planner/needs_matrix.html", municipality=municipality,
                           waves=waves, chosen=chosen, matrix=matrix, sort=sort,
                           questionnaire_missing=chosen is not None and questionnaire is None,
                           alpha=targeting.ALPHA, threshold=_threshold(chosen))


def _threshold(chosen) -> int:
    """The threshold the shown results were computed with (the setting if none)."""
    return chosen.result_set.min_group_size if chosen is not None else threshold()


def _cell_text(state: str, k: int) -> str:
    return {"worse": _("significantly worse"), "hidden": _("fewer than %(k)d pupils", k=k),
            "none": _("no figure"), "": ""}[state]


@bp.route("/municipalities/<int:municipality_id>/needs.<fmt>")
def needs_download(municipality_id: int, fmt: str):
    """The needs matrix as CSV or XLSX."""
    municipality, _waves, chosen, _q, _sort, matrix = _matrix(municipality_id)
    columns = matrix.columns if matrix is not None else []
    table = DownloadTable([_("District"), _("Marks")] + [label for _m, label in columns],
                          title=_("Needs matrix"))
    for row in matrix.rows if matrix is not None else []:
        table.rows.append([row.district.name, row.marks] + [_cell_text(s, _threshold(chosen)) for s in row.cells])
    wave = chosen.wave.name if chosen else ""
    return download_response(table, fmt, f"needs_{municipality.name}_{wave}", lang())


def _scatter(municipality_id: int):
    municipality = municipality_or_404(municipality_id)
    waves, chosen = chosen_wave(municipality)
    questionnaire = questionnaire_for(chosen)
    indicators = targeting.indicator_choices(db.session, municipality)
    state = {"municipality": municipality, "waves": waves, "chosen": chosen,
             "indicators": indicators, "measures": [], "measure": None, "indicator": None,
             "scatter": None, "chart": None}
    if questionnaire is None:
        return state
    state["measures"] = measure_choices(questionnaire, lang())
    keys = [m for m, _l in state["measures"]]
    measure = request.args.get("measure")
    state["measure"] = measure if measure in keys else keys[0]
    state["measure_label"] = measure_label(questionnaire, state["measure"], lang())
    state["share"] = is_share(state["measure"])
    wanted = (request.args.get("indicator"), request.args.get("year", type=int))
    if not indicators:
        return state
    same_name = [i for i in indicators if i[0] == wanted[0]]
    state["indicator"] = wanted if wanted in indicators else (same_name or indicators)[0]
    name, year = state["indicator"]
    result = targeting.scatter(db.session, chosen.result_set, municipality, state["measure"],
                               name, year)
    state["scatter"] = result
    if result.points:
        state["chart"] = scatter_geometry(result.points, reference=result.city)
    return state


@bp.route("/municipalities/<int:municipality_id>/scatter")
def scatter(municipality_id: int):
    """District estimates with intervals against a social indicator."""
    state = _scatter(municipality_id)
    return render_template("staff/planner/scatter_indicator.html",
                           threshold=_threshold(state["chosen"]), math=math, **state)


@bp.route("/municipalities/<int:municipality_id>/scatter.<fmt>")
def scatter_download(municipality_id: int, fmt: str):
    """The points of the scatter as CSV or XLSX."""
    state = _scatter(municipality_id)
    result = state["scatter"]
    share = state.get("share", False)
    unit = " (%)" if share else ""
    name, year = state["indicator"] or (_("Indicator"), "")
    table = DownloadTable([_("District"), f"{name} {year}".strip(), _("Pupils (n)"),
                           _("Estimate") + unit, _("Lower limit (95 % CI)") + unit,
                           _("Upper limit (95 % CI)") + unit], title=_("Scatter"))
    for p in result.points if result is not None else []:
        table.rows.append([p["label"], p["x"], p["n"], download_number(p["y"], share),
                           download_number(p["lo"], share), download_number(p["hi"], share)])
    return download_response(table, fmt, f"scatter_{state['municipality'].name}_"
                             f"{state['measure']}_{name}_{year}", lang())
