"""Region view: the municipalities of a region side by side for one questionnaire version."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _

from survey_app.extensions import db
from survey_app.planner_insights import bp
from survey_app.planner_insights.access import region_or_404
from survey_app.planner_insights.formatting import download_number, lang, threshold
from survey_app.services import questionnaires, region_view
from survey_app.services.planner_scope import measure_label
from survey_app.services.svg_charts import intervals
from survey_app.services.table_download import DownloadTable, download_response


def _definition(qid: str, version: str):
    for questionnaire in questionnaires.available(current_app.config.get("QUESTIONNAIRE_DIRS")):
        if (questionnaire.id, questionnaire.version) == (qid, version):
            return questionnaire
    return None


def _region(region_id: int) -> dict:
    region = region_or_404(region_id)
    versions = region_view.versions(db.session, region)
    wanted = request.args.get("version", "")
    chosen = next((v for v in versions if f"{v[0]}@{v[1]}" == wanted),
                  versions[0] if versions else None)
    state = {"region": region, "versions": versions, "chosen": chosen, "comparison": None,
             "panels": [], "measures": []}
    if chosen is None:
        return state
    comparison = region_view.compare(db.session, region, *chosen)
    questionnaire = _definition(*chosen)
    state["comparison"] = comparison
    scale_ids = [s.id for s in questionnaire.scales] if questionnaire is not None else sorted(
        {m for c in comparison.municipalities for m in c.figures if "=" not in m})
    state["measures"] = [(m, measure_label(questionnaire, m, lang()) if questionnaire else m)
                         for m in scale_ids]
    for measure, label in state["measures"]:
        rows = []
        for column in comparison.municipalities:
            figure = column.figures.get(measure) if column.available else None
            rows.append({"label": column.name, "y": figure and figure["estimate"],
                         "lo": figure and figure["ci_low"], "hi": figure and figure["ci_high"]})
        total = comparison.region.figures.get(measure) if comparison.region.available else None
        state["panels"].append({"measure": measure, "label": label, "chart": intervals(
            rows, reference=total["estimate"] if total else None)})
    return state


@bp.route("/regions/<int:region_id>")
def region(region_id: int):
    """Municipality and region totals of every scale, as a table and small multiples."""
    return render_template("staff/planner/region_side_by_side.html", threshold=threshold(),
                           **_region(region_id))


@bp.route("/regions/<int:region_id>.<fmt>")
def region_download(region_id: int, fmt: str):
    """The table behind the small multiples as CSV or XLSX."""
    state = _region(region_id)
    comparison = state["comparison"]
    table = DownloadTable([_("Measure"), _("Area"), _("Wave"), _("Pupils (n)"), _("Estimate"),
                           _("Lower limit (95 % CI)"), _("Upper limit (95 % CI)"), _("Note")],
                          title=_("Region"))
    columns = comparison.municipalities + [comparison.region] if comparison else []
    for measure, label in state["measures"]:
        for column in columns:
            figure = column.figures.get(measure) if column.available else None
            if figure is None:
                note = (_("fewer than %(k)d pupils or no figure", k=column.threshold)
                        if column.available else _("no released results of this version"))
                table.rows.append([label, column.name, column.wave, None, None, None, None,
                                   note])
            else:
                table.rows.append([label, column.name, column.wave, figure["n"],
                                   download_number(figure["estimate"]),
                                   download_number(figure["ci_low"]),
                                   download_number(figure["ci_high"]), ""])
    qid, version = state["chosen"] or ("", "")
    return download_response(table, fmt, f"region_{state['region'].name}_{qid}_{version}",
                             lang())
