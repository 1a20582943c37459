"""The database layer: every table of the toolkit, as SQLAlchemy 2.0 typed models.

Invariants that must hold whatever code writes the data live in the database
as named constraints: one answer per (response, item), one response per access
code, dates in order, states from a fixed list.
"""

from survey_app.models.audit import AuditEvent
from survey_app.models.geography import District, Municipality, Region
from survey_app.models.indicators import DistrictIndicator
from survey_app.models.responses import Answer, Response
from survey_app.models.results import ResultEstimate, ResultSet
from survey_app.models.schools import School, SchoolClass
from survey_app.models.staff import StaffUser, staff_municipalities, staff_regions, staff_schools
from survey_app.models.waves import AccessCode, Wave

__all__ = [
    "AccessCode",
    "Answer",
    "AuditEvent",
    "District",
    "DistrictIndicator",
    "Municipality",
    "Region",
    "Response",
    "ResultEstimate",
    "ResultSet",
    "School",
    "SchoolClass",
    "StaffUser",
    "Wave",
    "staff_municipalities",
    "staff_regions",
    "staff_schools",
]
