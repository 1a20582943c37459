"""Translated labels for values stored as fixed English keys (states, roles).

The database keeps ``open``/``closed``/``coordinator``/``gymnasium``...; pages show the
label in the interface language through the ``label`` template filter.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

LABELS = {
    "draft": _l("draft"),
    "open": _l("open"),
    "closed": _l("closed"),
    "unused": _l("unused"),
    "started": _l("started"),
    "submitted": _l("submitted"),
    "void": _l("void"),
    "admin": _l("administrator"),
    "coordinator": _l("school coordinator"),
    "planner": _l("planner"),
    "released": _l("released"),
    "enrolment": _l("weighted to enrolment"),
    "none": _l("unweighted"),
    # School types (survey_app.models.schools.SCHOOL_TYPES)
    "grundschule": _l("primary school (Grundschule)"),
    "hauptschule": _l("Hauptschule"),
    "realschule": _l("Realschule"),
    "sekundarschule": _l("Sekundarschule"),
    "gesamtschule": _l("comprehensive school (Gesamtschule)"),
    "gymnasium": _l("Gymnasium"),
    "foerderschule": _l("special needs school (Förderschule)"),
    "berufskolleg": _l("vocational college (Berufskolleg)"),
    "other": _l("other school type"),
}


def label(value: str) -> str:
    """The translated label of a stored key, or the key itself if it has none."""
    return str(LABELS.get(value, value))


def register_labels(app: Flask) -> None:
    """Make ``{{ value|label }}`` available in every template."""
    app.add_template_filter(label, "label")
