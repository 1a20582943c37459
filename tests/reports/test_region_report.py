"""The region report (issue 9, item 1): a region's municipalities side by side with the
region total, and each municipality by district, from the stored results with the same
suppression; for the region's planners only; also written by ``wellbeing report``."""

from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale, format_decimal
from pypdf import PdfReader
from sqlalchemy import select

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.cli import main
from survey_app.extensions import db
from survey_app.models import District, Region, ResultEstimate, StaffUser, Wave
from survey_app.services import results
from tests.reports.conftest import (THRESHOLD, assert_accessible_pdf, planner_client,
                                    render_first_pages)
from tests.results.conftest import add_planner, make_demo
from tests.staff.conftest import cheap_password_hashing, password_hash  # noqa: F401

REGION_PLANNER = "kreis@example.org"
OTHER_REGION = "anderer-kreis@example.org"
CITY_PLANNER = "stadt@example.org"


@pytest.fixture
def region_wave(app):
    """The demo wave run across its region, released at a high threshold, with a planner of
    the region, one of another region and one of the city only."""
    with app.app_context():
        demo = make_demo()
        wave = db.session.get(Wave, demo.wave_id)
        region_id = wave.municipality.region_id
        wave.municipality_id, wave.region_id = None, region_id
        db.session.commit()
        stored = results.compute_results(db.session, wave, load(SHIPPED),
                                         min_group_size=THRESHOLD)
        results.release_results(db.session, None, stored)
        other = Region(name="Anderer Kreis")
        db.session.add_all([
            other,
            StaffUser(email=REGION_PLANNER, role="planner", password_hash=password_hash(),
                      regions=[db.session.get(Region, region_id)]),
            StaffUser(email=OTHER_REGION, role="planner", password_hash=password_hash(),
                      regions=[other])])
        db.session.commit()
        add_planner(CITY_PLANNER, [demo.municipality_id])
        rows = list(db.session.scalars(select(ResultEstimate).where(
            ResultEstimate.result_set_id == stored.id)))
        names = {d.id: d.name for d in db.session.scalars(select(District))}
        return {"region_id": region_id, "region": db.session.get(Region, region_id).name,
                "wave": wave.name, "rows": [
                    {"var": e.group_var, "key": e.group_key, "measure": e.measure,
                     "estimate": e.estimate, "suppressed": e.suppressed,
                     "district": names.get(e.district_id)} for e in rows]}


def _text(data: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_region_report_shows_the_municipalities_the_region_and_no_hidden_figure(
        app, region_wave, tmp_path, lang):
    url = f"/planner/regions/{region_wave['region_id']}/report-{lang}.pdf"
    response = planner_client(app, REGION_PLANNER).get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert_accessible_pdf(response.data, lang, region_wave["region"])
    pages = _text(response.data)
    text = "\n".join(pages)
    flat = re.sub(r"\s+", "", text)
    assert region_wave["region"] in pages[0] and "Musterstadt" in text
    means = [r for r in region_wave["rows"] if "=" not in r["measure"]]
    with app.test_request_context(), force_locale(lang):
        # the municipality and region totals, as stored
        totals = [r for r in means if r["var"] == "municipality" and not r["suppressed"]]
        assert {r["key"] for r in totals} >= {"all"}
        for row in totals:
            assert format_decimal(row["estimate"], "#,##0.00") in flat, row
        # every district by name, each shown district mean as stored
        districts = [r for r in means if r["var"] == "district" and r["district"]]
        for row in districts:
            assert row["district"] in text
        shown = [r for r in districts if not r["suppressed"]]
        hidden = {r["district"] for r in districts if r["suppressed"]}
        assert shown and hidden
        for row in shown:
            assert format_decimal(row["estimate"], "#,##0.00") in flat, row
    # a district whose every mean is hidden has no number in its table rows
    fully_hidden = {d for d in hidden if all(r["suppressed"] for r in districts
                                             if r["district"] == d)}
    for name in fully_hidden:
        for line in text.splitlines():
            if line.startswith(name + " ") and "·" in line:
                assert not re.search(r"\d", line[len(name):]), line
    pngs = render_first_pages(response.data, tmp_path, 4)
    assert len(pngs) == 4 and all(p.stat().st_size > 1000 for p in pngs)


def test_only_the_regions_planners_get_the_region_report(app, region_wave):
    url = f"/planner/regions/{region_wave['region_id']}/report-de.pdf"
    assert planner_client(app, OTHER_REGION).get(url).status_code == 404
    assert planner_client(app, CITY_PLANNER).get(url).status_code == 404
    assert planner_client(app, REGION_PLANNER).get(url.replace("-de", "-fr")).status_code \
        == 404
    assert planner_client(app, REGION_PLANNER).get(url + "?version=nope@9").status_code == 200
    assert app.test_client().get(url).status_code in (302, 401)


def test_cli_writes_the_region_report_of_a_region_wave(app, runner, region_wave, tmp_path):
    out = tmp_path / "out"
    done = runner.invoke(main, args=["report", "--wave", region_wave["wave"], "--out", str(out),
                                     "--quiet"])
    assert done.exit_code == 0, done.output
    region = sorted(p.name for p in out.glob("*region-report*.pdf"))
    assert len(region) == 2 and region[0].endswith("_de.pdf")
    data = next(out.glob("*region-report_en.pdf")).read_bytes()
    assert region_wave["region"] in _text(data)[0]
