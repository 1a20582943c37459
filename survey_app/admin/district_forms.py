"""Forms of the district import: the upload, then the choice of fields on the preview."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField

from survey_app.admin.forms import DistrictImportForm
from survey_app.auth.helpers import choices
from survey_app.input_checks import CheckedForm
from survey_app.services.district_files import KNOWN_CRS


def crs_choices() -> list:
    """"As the file says", then the coordinate systems German GIS offices use."""
    return choices([("", _l("As the file says"))] + [(code, f"{label} ({code})")
                                                     for code, label in KNOWN_CRS.items()])


class DistrictUploadForm(DistrictImportForm):
    """A district file (GeoJSON, zipped Shapefile, GeoPackage or CSV) and its coordinate system."""

    crs = SelectField(_l("Coordinate system"), default="")
    submit = SubmitField(_l("Show the districts"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.crs.choices = crs_choices()


class DistrictFieldsForm(CheckedForm):
    """Which fields hold name, number and places; which layer; which coordinate system."""

    name_field = SelectField(_l("Field with the district name"), validate_choice=True)
    number_field = SelectField(_l("Field with the district number"), validate_choice=True)
    places_field = SelectField(_l("Field with well-known places"), validate_choice=True)
    layer = SelectField(_l("Layer"), validate_choice=False)
    crs = SelectField(_l("Coordinate system"), default="")
    preview = SubmitField(_l("Show again"))
    save = SubmitField(_l("Import these districts"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.crs.choices = crs_choices()

    def set_fields(self, fields: list[str], layers: list[str]) -> None:
        """Offer the file's fields (and layers) in the selects."""
        options = choices([("", _l("(none)"))] + [(f, f) for f in fields])
        self.name_field.choices = options
        self.number_field.choices = list(options)
        self.places_field.choices = list(options)
        self.layer.choices = choices([(layer, layer) for layer in layers] or [("", "")])
