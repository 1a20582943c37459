"""Forms of the admin pages (Flask-WTF; CSRF on every form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField,
                     PasswordField, SelectField, SelectMultipleField, StringField, SubmitField)
from wtforms.validators import (Email, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from survey_app.auth.helpers import choices
from survey_app.input_checks import CheckedForm
from survey_app.labels import label
from survey_app.models.schools import SCHOOL_TYPES
from survey_app.models.staff import ROLES


def _required():
    return InputRequired(_l("This field is required."))


class RegionForm(CheckedForm):
    """A new region."""

    name = StringField(_l("Region name"), validators=[_required(), Length(max=120)])
    submit = SubmitField(_l("Add region"))


class MunicipalityForm(CheckedForm):
    """A new municipality in a region."""

    region_id = SelectField(_l("Region"), coerce=int, validators=[_required()])
    name = StringField(_l("Municipality name"), validators=[_required(), Length(max=120)])
    submit = SubmitField(_l("Add municipality"))


class DistrictImportForm(CheckedForm):
    """A GeoJSON FeatureCollection of district polygons."""

    file = FileField(_l("GeoJSON file"),
                     validators=[FileRequired(_l("Please choose a GeoJSON file."))])
    submit = SubmitField(_l("Import districts"))


def school_type_choices() -> list:
    """The school type select's options, translated; the first one means "not recorded"."""
    return choices([("", _l("– not recorded –"))] + [(t, label(t)) for t in SCHOOL_TYPES])


class SchoolEditForm(CheckedForm):
    """A school's name, official school number and type (choices: :func:`school_type_choices`)."""

    name = StringField(_l("School name"), validators=[_required(), Length(max=160)])
    number = StringField(_l("School number (Schulnummer)"),
                         validators=[Optional(), Length(max=20)])
    school_type = SelectField(_l("School type"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class SchoolForm(SchoolEditForm):
    """A new school."""

    municipality_id = SelectField(_l("Municipality"), coerce=int, validators=[_required()])
    submit = SubmitField(_l("Add school"))


class SchoolImportForm(CheckedForm):
    """A CSV list of a municipality's schools (name, school number, type)."""

    municipality_id = SelectField(_l("Municipality"), coerce=int, validators=[_required()])
    file = FileField(_l("CSV file (columns: Schule, Schulnummer, Schulform)"),
                     validators=[FileRequired(_l("Please choose a CSV file."))])
    submit = SubmitField(_l("Import schools"))


class ClassForm(CheckedForm):
    """One class of a school in a wave."""

    school_id = SelectField(_l("School"), coerce=int, validators=[_required()])
    name = StringField(_l("Class"), validators=[_required(), Length(max=40)])
    grade = IntegerField(_l("Grade"), validators=[_required(), NumberRange(1, 13)])
    enrolled = IntegerField(_l("Pupils enrolled"), validators=[Optional(), NumberRange(0, 200)])
    submit = SubmitField(_l("Add class"))


class ClassListUploadForm(CheckedForm):
    """A CSV class list; the next step shows a preview."""

    file = FileField(_l("CSV file (columns: school, class, grade, enrolled)"),
                     validators=[FileRequired(_l("Please choose a CSV file."))])
    submit = SubmitField(_l("Check and preview"))


class ClassListConfirmForm(CheckedForm):
    """The checked file's content, sent back to import it (checked again)."""

    content = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Import these classes"))


def _optional_id(value):
    return int(value) if value not in (None, "", "None") else None


class WaveForm(CheckedForm):
    """A new wave."""

    name = StringField(_l("Name"), validators=[_required(), Length(max=120)])
    questionnaire = SelectField(_l("Questionnaire and version"), validators=[_required()])
    municipality_id = SelectField(_l("Municipality"), coerce=_optional_id,
                                  validators=[Optional()])
    region_id = SelectField(_l("or a whole region"), coerce=_optional_id,
                            validators=[Optional()])
    grade_min = IntegerField(_l("Lowest grade"), validators=[_required(), NumberRange(1, 13)])
    grade_max = IntegerField(_l("Highest grade"), validators=[_required(), NumberRange(1, 13)])
    opens_on = DateField(_l("Opens on"), validators=[_required()])
    closes_on = DateField(_l("Closes on"), validators=[_required()])
    submit = SubmitField(_l("Create wave"))


class StateForm(CheckedForm):
    """Open, reopen or close a wave now (sent from the confirmation page)."""

    state = SelectField(choices=choices([("open", "open"), ("closed", "closed")]),
                        validators=[_required()])
    closes_on = DateField(_l("Pupils may answer until"), validators=[Optional()])


class WaveEditForm(CheckedForm):
    """Corrections to a wave: name, dates and (while nobody has answered) the questionnaire."""

    name = StringField(_l("Name"), validators=[_required(), Length(max=120)])
    questionnaire = SelectField(_l("Questionnaire and version"), validators=[Optional()])
    opens_on = DateField(_l("Opens on"), validators=[_required()])
    closes_on = DateField(_l("Closes on"), validators=[_required()])
    submit = SubmitField(_l("Save"))


class UserForm(CheckedForm):
    """A new staff account, or changes to one."""

    email = EmailField(_l("E-mail address"), validators=[
        _required(), Length(max=254),
        Email(_l("Please enter a valid e-mail address."), check_deliverability=False)])
    # No default: the admin must choose. The choices (translated labels) are set per request,
    # see :func:`role_choices`.
    role = SelectField(_l("Role"), validators=[InputRequired(_l("Please choose a role."))])
    schools = SelectMultipleField(_l("Schools (coordinators)"), coerce=int)
    municipalities = SelectMultipleField(_l("Municipalities (planners)"), coerce=int)
    regions = SelectMultipleField(_l("Regions (planners: every municipality of the region, "
                                     "also ones added later)"), coerce=int)
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("Password (8-64 characters)"),
                             render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Save"))


def role_choices() -> list:
    """The role select's options: an empty "please choose" first, then the translated roles."""
    return choices([("", _l("– please choose –"))] + [(r, label(r)) for r in ROLES])


class UserEditForm(UserForm):
    """Changes to an account; the e-mail address identifies it and stays."""

    email = None


class AuditFilterForm(CheckedForm):
    """Filters of the audit log (a GET form: no CSRF needed, nothing changes)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    user = SelectField(_l("Who"), coerce=_optional_id, validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))

    def validate_date_to(self, field) -> None:
        """An end before the start finds nothing: say so next to the field instead."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))


class NameForm(CheckedForm):
    """A new name for a region, municipality or school."""

    name = StringField(_l("Name"), validators=[_required(), Length(max=160)])
    submit = SubmitField(_l("Save"))


class DistrictForm(CheckedForm):
    """A district's code and name."""

    code = StringField(_l("Code"), validators=[_required(), Length(max=40)])
    name = StringField(_l("Name"), validators=[_required(), Length(max=120)])
    submit = SubmitField(_l("Save"))


class ClassEditForm(CheckedForm):
    """Corrections to a class after import."""

    name = StringField(_l("Class"), validators=[_required(), Length(max=40)])
    grade = IntegerField(_l("Grade"), validators=[_required(), NumberRange(1, 13)])
    enrolled = IntegerField(_l("Pupils enrolled"), validators=[Optional(), NumberRange(0, 200)])
    submit = SubmitField(_l("Save"))


class DeleteForm(CheckedForm):
    """A button that deletes a record (refused while other records depend on it)."""

    submit = SubmitField(_l("Delete"))
