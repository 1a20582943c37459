"""District and school reports (PDF): the planner's district profile and the coordinator's
school results as printable documents.

Both render the very data the pages show (:func:`~survey_app.services.profile.build_profile`,
the school results view's state) with the pages' own drawings: the district's interval
bars, and the interval charts of the school page, whose stylesheet rules are put into each
SVG because WeasyPrint styles an inline SVG only from inside it.
"""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy.orm import Session

from survey_app.models import District, Municipality, ResultSet
from survey_app.reports.chart_style import chart_css
from survey_app.reports.pdf import html_to_pdf
from survey_app.services import choropleth
from survey_app.services.profile import build_profile


def district_report_pdf(session: Session, result_set: ResultSet, municipality: Municipality,
                        district: District, questionnaire, lang: str) -> bytes:
    """The district profile as a short PDF (call inside ``force_locale(lang)``)."""
    profile = build_profile(session, result_set, municipality, district, questionnaire, lang,
                            current_app.config.get("QUESTIONNAIRE_DIRS"))
    locator = choropleth.project({d.id: d.geometry for d in municipality.districts})
    return html_to_pdf(render_template("reports/district.html", p=profile, lang=lang,
                                       locator=locator))


def school_report_pdf(state: dict, threshold: int, lang: str) -> bytes:
    """The school results (the page's state) as a PDF (call inside ``force_locale(lang)``)."""
    return html_to_pdf(render_template("reports/school.html", lang=lang, threshold=threshold,
                                       chart_css=chart_css(), **state))
