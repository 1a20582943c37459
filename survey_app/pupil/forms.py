"""Forms of the pupil flow (Flask-WTF: CSRF on every form)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length


class StartForm(FlaskForm):
    """The start page: the code from the slip."""

    code = StringField(
        "Code",
        validators=[InputRequired(message="Bitte gib deinen Code ein."), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    submit = SubmitField("Los geht's")
