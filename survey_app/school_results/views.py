"""A school's results against the city, only above the reporting threshold."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey_app.auth.roles import check_school, visible_school_ids
from survey_app.extensions import db
from survey_app.models import School
from survey_app.planner_insights.formatting import download_number, lang, threshold
from survey_app.school_results import bp
from survey_app.services.planner_scope import measure_label, questionnaire_of
from survey_app.services.school_results import released_for_school, school_result
from survey_app.services.svg_charts import intervals
from survey_app.services.table_download import DownloadTable, download_response


@bp.route("/")
def index():
    """The user's schools, each linking to its results."""
    allowed = visible_school_ids(current_user)
    query = select(School).order_by(School.name)
    if allowed is not None:
        query = query.where(School.id.in_(allowed))
    return render_template("staff/planner/school_results_index.html",
                           schools=list(db.session.scalars(query)))


def _school(school_id: int) -> dict:
    check_school(current_user, school_id)
    school = db.session.get(School, school_id) or abort(404)
    releases = released_for_school(db.session, school)
    wanted = request.args.get("wave")
    if wanted is None:
        wave, result_set = releases[0] if releases else (None, None)
    else:  # a wave asked for by name in the address: that one or none, never another silently
        wave, result_set = next(((w, r) for w, r in releases if str(w.id) == wanted), None) \
            or abort(404)
    questionnaire = questionnaire_of(result_set, current_app.config.get(
        "QUESTIONNAIRE_DIRS")) if result_set is not None else None
    scale_ids = [s.id for s in questionnaire.scales] if questionnaire is not None else None
    result = school_result(db.session, school, scale_ids, result_set, wave)
    labels = {m.measure: (measure_label(questionnaire, m.measure, lang())
                          if questionnaire is not None else m.measure) for m in result.scales}
    chart = None
    if result.shown:
        chart = [{"label": labels[s.measure], "chart": intervals([
            {"label": school.name, "y": s.school and s.school["estimate"],
             "lo": s.school and s.school["ci_low"], "hi": s.school and s.school["ci_high"]},
            {"label": _("whole city"), "y": s.city and s.city["estimate"],
             "lo": s.city and s.city["ci_low"], "hi": s.city and s.city["ci_high"]}])}
            for s in result.scales]
    return {"school": school, "releases": releases, "result": result, "labels": labels,
            "charts": chart}


@bp.route("/<int:school_id>")
def school(school_id: int):
    """Every scale of the school beside the city, or why there is nothing to show."""
    state = _school(school_id)
    result_set = state["result"].result_set
    return render_template("staff/planner/school_results.html",
                           threshold=result_set.min_group_size if result_set else threshold(),
                           **state)


@bp.route("/<int:school_id>.<fmt>")
def school_download(school_id: int, fmt: str):
    """The school's table as CSV or XLSX (only when the school is shown)."""
    state = _school(school_id)
    result = state["result"]
    table = DownloadTable([_("Scale"), _("Pupils of the school (n)"), _("School"),
                           _("Lower limit (95 % CI)"), _("Upper limit (95 % CI)"), _("Whole city"),
                           _("Difference from the city"), _("Adjusted p-value")],
                          title=_("School results"))
    for scale in result.scales if result.shown else []:
        mine, city = scale.school, scale.city
        if mine is None:
            table.rows.append([state["labels"][scale.measure], None, None, None, None,
                               download_number(city and city["estimate"]), None, None])
            continue
        table.rows.append([state["labels"][scale.measure], mine["n"],
                           download_number(mine["estimate"]), download_number(mine["ci_low"]),
                           download_number(mine["ci_high"]),
                           download_number(city and city["estimate"]),
                           download_number(mine["diff"]),
                           None if mine["p_adjusted"] is None else round(mine["p_adjusted"], 4)])
    return download_response(table, fmt, f"school_{state['school'].name}_{result.wave.name if result.wave else ''}",
                             lang())
