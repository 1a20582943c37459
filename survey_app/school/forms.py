"""Forms of the coordinators' pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from survey_app.input_checks import CheckedForm
from survey_app.services.codes import MAX_CODES


class GenerateCodesForm(CheckedForm):
    """How many new slips to print."""

    count = IntegerField(_l("Number of slips"),
                         validators=[InputRequired(_l("Please enter a number.")),
                                     NumberRange(1, MAX_CODES)])
    submit = SubmitField(_l("Create codes and download the sheet (PDF)"))


class ReplaceCodeForm(CheckedForm):
    """A replacement for a lost slip; the lost code is voided if known."""

    lost = StringField(_l("Code of the lost slip (if known)"),
                       validators=[Optional(), Length(max=40)],
                       render_kw={"autocomplete": "off"})
    submit = SubmitField(_l("Issue one replacement slip (PDF)"))


class VoidCodeForm(CheckedForm):
    """Make one code unusable."""

    code = StringField(_l("Code to void"), validators=[InputRequired(), Length(max=40)],
                       render_kw={"autocomplete": "off"})
    submit = SubmitField(_l("Void this code"))


class ConfirmForm(CheckedForm):
    """A button that changes something (void unused codes, close, reopen)."""

    submit = SubmitField(_l("Confirm"))


class EnrolledForm(CheckedForm):
    """The number of pupils on the class list (the response rate's denominator)."""

    enrolled = IntegerField(_l("Pupils enrolled"),
                            validators=[InputRequired(_l("Please enter a number.")),
                                        NumberRange(0, 200)])
    submit = SubmitField(_l("Correct the number"))
