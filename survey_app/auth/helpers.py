"""Small helpers shared by the staff blueprints."""

from __future__ import annotations

from flask_login import current_user
from flask_wtf import FlaskForm

from survey_app.services.errors import InvalidInput


def show_error(form: FlaskForm, error: InvalidInput) -> list[str]:
    """Put a service's error next to its field; return the form-level messages.

    The returned list holds the message if no field of the form matches, and
    the per-row or per-feature problems of an import.
    """
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(error.message)
        return list(error.problems)
    return [error.message, *error.problems]


def actor_id() -> int:
    """The id of the logged-in staff member, for audit events."""
    return current_user.id


def choices(pairs) -> list:
    """Select options from ``(value, label)`` pairs, in the form WTForms prefers.

    WTForms 3.3 deprecates plain tuples in favour of ``SelectChoice``; older
    versions only know tuples.
    """
    try:
        from wtforms.fields.choices import SelectChoice
    except ImportError:  # WTForms < 3.3
        return [(str(value), str(label)) for value, label in pairs]
    return [SelectChoice(str(value), str(label)) for value, label in pairs]
