"""District and school reports (issue 9, items 2 and 3) and the wave report's key findings,
on the demo city released at the default threshold."""

from __future__ import annotations

import io
import re
import subprocess

from flask_babel import force_locale, format_decimal
from pypdf import PdfReader
from sqlalchemy import select

from analysis.questionnaire import load
from analysis.targeting import measure_directions, worse_than_city
from questionnaires import SHIPPED
from survey_app.extensions import db
from survey_app.models import District, Municipality, ResultEstimate, School
from survey_app.services.results import estimates_frame
from tests.insights.conftest import logged_in, released  # noqa: F401


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _base(r) -> str:
    return f"/planner/waves/{r.wave_id}/municipalities/{r.municipality_id}"


def test_district_report_prints_the_profile(app, released, tmp_path):  # noqa: F811
    with app.app_context():
        district = db.session.scalars(select(District).where(
            District.municipality_id == released.municipality_id).order_by(District.code)).first()
        name, district_id = district.name, district.id
        rows = list(db.session.scalars(select(ResultEstimate).where(
            ResultEstimate.result_set_id == released.result_set_id,
            ResultEstimate.group_var == "district", ResultEstimate.district_id == district_id,
            ResultEstimate.statistic == "mean")))
        elsewhere = db.session.scalar(select(District).join(Municipality).where(
            Municipality.name == "Anderswo")).id
    client = logged_in(app, released.emails["planner"])
    response = client.get(f"{_base(released)}/districts/{district_id}/report-de.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = _pages(response.data)
    assert 2 <= len(pages) <= 4
    text = re.sub(r"\s+", "", "".join(pages))
    assert re.sub(r"\s+", "", name) in text
    # the prose comes from the catalogue in the document's language, with a literal percent
    assert "95-%-Konfidenzintervall" in text and "Lagevon" in text and "%%" not in text
    with app.test_request_context(), force_locale("de"):
        for row in rows:
            if not row.suppressed:
                assert format_decimal(row.estimate, "#,##0.00") in text, row.measure
    pdf = tmp_path / "district.pdf"
    pdf.write_bytes(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    assert list(tmp_path.glob("page-*.png"))
    english = _pages(client.get(f"{_base(released)}/districts/{district_id}/report-en.pdf").data)
    assert "District profile" in english[0]
    flat_english = re.sub(r"\s+", " ", " ".join(english))
    assert "95% confidence interval" in flat_english and "Konfidenz" not in flat_english
    # another municipality's planner, and a district of another municipality: 404
    other = logged_in(app, released.emails["other_planner"])
    assert other.get(f"{_base(released)}/districts/{district_id}/report-de.pdf"
                     ).status_code == 404
    assert client.get(f"{_base(released)}/districts/{elsewhere}/report-de.pdf"
                      ).status_code == 404


def test_school_report_for_its_coordinator_only(app, released, tmp_path):  # noqa: F811
    with app.app_context():
        school = db.session.get(School, released.school_ids[0])
        school_name = school.name
        rows = {r.measure: r for r in db.session.scalars(select(ResultEstimate).where(
            ResultEstimate.result_set_id == released.result_set_id,
            ResultEstimate.group_var == "school", ResultEstimate.statistic == "mean",
            ResultEstimate.group_key == str(school.id)))}
    url = f"/school/results/{released.school_ids[0]}/report-de.pdf"
    coordinator = logged_in(app, released.emails["coordinator"])
    response = coordinator.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = _pages(response.data)
    text = "\n".join(pages)
    assert school_name in text and "So lesen Sie die Intervalle" in text
    flat = re.sub(r"\s+", "", text)
    shown = [r for r in rows.values() if not r.suppressed]
    assert shown
    with app.test_request_context(), force_locale("de"):
        for row in shown:
            assert format_decimal(row.n, "#,##0") in flat or str(row.n) in flat
    english = "\n".join(_pages(coordinator.get(url.replace("-de", "-en")).data))
    assert "How to read the intervals" in english
    pdf = tmp_path / "school.pdf"
    pdf.write_bytes(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    assert list(tmp_path.glob("page-*.png"))
    other = logged_in(app, released.emails["other_coordinator"])
    assert other.get(url).status_code == 404
    planner = logged_in(app, released.emails["planner"])
    assert planner.get(url).status_code in (403, 404)


def test_wave_report_names_the_districts_worse_than_the_city(app, released):  # noqa: F811
    with app.app_context():
        from survey_app.models import ResultSet

        stored = db.session.get(ResultSet, released.result_set_id)
        frame = estimates_frame(db.session, stored, released.municipality_id)
        # the report's findings: scale means and the index levels (not the scales' categories)
        frame = frame[frame["district_id"].notna()
                      & ~frame["measure"].str.contains("_category=")].copy()
        frame["worse"] = worse_than_city(frame, measure_directions(load(SHIPPED)))
        names = {d.id: d.name for d in db.session.get(
            Municipality, released.municipality_id).districts}
        worse = {names[int(i)] for i in frame[frame["worse"]]["district_id"]}
    client = logged_in(app, released.emails["planner"])
    pages = _pages(client.get(f"{_base(released)}/report-en.pdf").data)
    findings = "".join(p for p in pages if p.lstrip().startswith("Key findings"))
    assert worse  # the demo has districts that fare worse
    for name in names.values():
        assert (name in findings) == (name in worse), name


def test_school_report_below_the_threshold_has_no_figure(app):
    """With a threshold above every school's size the report says why and shows no number
    of the school."""
    from tests.insights.conftest import make_released

    with app.app_context():
        made = make_released(min_group_size=500)
        school = db.session.get(School, made.school_ids[0])
        name = school.name
        stored = list(db.session.scalars(select(ResultEstimate).where(
            ResultEstimate.group_var == "school", ResultEstimate.group_key == str(school.id))))
    assert stored and all(r.suppressed for r in stored)
    coordinator = logged_in(app, made.emails["coordinator"])
    text = "\n".join(_pages(coordinator.get(
        f"/school/results/{made.school_ids[0]}/report-en.pdf").data))
    assert name in text and "fewer than 500 pupils" in text
    body = text.replace(name, "").replace("500", "").replace("Musterstadt 2026", "")
    assert not re.search(r"\d", body), body
