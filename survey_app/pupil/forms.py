"""Fixed forms of the pupil flow (Flask-WTF: CSRF on every form).

The questionnaire pages' forms are built from the definition, see
:mod:`survey_app.pupil.form_builder`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired


class StartForm(FlaskForm):
    """The start page: the code from the slip."""

    code = StringField(
        _l("Your code"),
        # No length check here: anything that is not a code gets the same "unknown" message.
        validators=[InputRequired(message=_l("Please enter your code."))],
        render_kw={"maxlength": 40, "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                   "autocorrect": "off"},
    )
    submit = SubmitField(_l("Start"))


class AssentForm(FlaskForm):
    """The assent page: the pupil agrees to start (CSRF only)."""

    submit = SubmitField(_l("Yes, let's start"))


class SimpleForm(FlaskForm):
    """A form with nothing but its CSRF token (buttons are plain HTML)."""
