"""Forms of the planners' indicator import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import InputRequired

from survey_app.input_checks import CheckedForm


class IndicatorUploadForm(CheckedForm):
    """A CSV file of district indicators; the next step shows a preview."""

    file = FileField(_l("CSV file (columns: municipality, district, indicator, year, value)"),
                     validators=[FileRequired(_l("Please choose a CSV file."))])
    submit = SubmitField(_l("Check and preview"))


class IndicatorConfirmForm(CheckedForm):
    """The checked file's content, sent back to import it (checked again)."""

    content = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Import these values"))
