"""Statistics for child-wellbeing surveys: scoring, reliability, district estimates.

A plain library (numpy, pandas, scipy, statsmodels): DataFrames and the
questionnaire definition go in, DataFrames come out. It never imports the web
app, Flask or SQLAlchemy, so a planner can use it from a notebook.

The public names below are importable from ``analysis`` directly; each is
loaded from its module on first use, so ``import analysis.questionnaire``
(the web app's only need) stays light. A guide: ``docs/analysis.md``.

Examples
--------
>>> import analysis
>>> q = analysis.load(analysis.SHIPPED)
>>> scored = analysis.score(analysis.simulate_city(q, 50, districts=2, seed=1).responses, q)
>>> "life_satisfaction" in scored.columns
True
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "analysis.questionnaire": ("load", "validate", "Questionnaire", "QuestionnaireError"),
    "analysis.scoring": ("score", "recode_items"),
    "analysis.reliability": ("cronbach_alpha", "omega_total", "item_statistics",
                             "scale_reliability"),
    "analysis.estimation": ("survey_design", "survey_means_by", "survey_shares_by",
                            "post_stratify", "rake", "check_cells", "compare_to_city",
                            "compare_waves", "adjust_pvalues"),
    "analysis.disclosure": ("apply_disclosure_control", "count_pupils", "protect_linked_tables",
                            "protect_release", "Release", "ReleaseRefused"),
    "analysis.small_area": ("fay_herriot", "FayHerriotResult"),
    "analysis.enrolment_weights": ("weight_to_enrolment",),
    "analysis.designs": ("build_design", "BuiltDesign", "DESIGNS"),
    "analysis.pipeline": ("analyse", "measures"),
    "analysis.published": ("add_small_area_estimates",),
    "analysis.waves": ("compare_with_previous",),
    "analysis.simulation": ("simulate_city", "SimulatedCity"),
    "analysis.files": ("read_responses", "read_enrolment", "read_estimates",
                       "write_estimates", "write_scores", "write_table"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted([*_WHERE, "SHIPPED"])


def __getattr__(name: str):
    if name == "SHIPPED":
        from questionnaires import SHIPPED

        return SHIPPED
    if name not in _WHERE:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
