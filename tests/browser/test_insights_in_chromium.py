"""Targeting, trends, region and school results in headless Chromium: a planner and a
coordinator use them with the keyboard-free mouse path, download the tables, and axe-core
finds no WCAG 2.1 A/AA violation in German or English (issue 10, items 4-9)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from survey_app.demo.indicators import INDICATOR, YEAR
from tests.browser.test_pupil_in_chromium import axe_violations, navigate
from tests.browser.conftest import serving, staff_login
from tests.conftest import make_app
from tests.insights.conftest import make_released

ARTIFACTS_NAME = "insights"


@pytest.fixture(scope="module")
def served(sqlite_template, tmp_path_factory):
    """The demo city with released results and indicators, served on a free port."""
    import shutil

    folder = tmp_path_factory.mktemp("insights")
    shutil.copy(sqlite_template, folder / "live.sqlite")
    app = make_app(f"sqlite:///{folder / 'live.sqlite'}", folder / "instance")
    with app.app_context():
        released = make_released()
    with serving(app) as url:
        yield url, released


@pytest.mark.parametrize("lang", ["de", "en"])
def test_planner_pages_are_usable_and_accessible(page_factory, served, lang):
    url, r = served
    page = page_factory()
    staff_login(page, url, r.emails["region_planner"], lang)
    base = f"{url}/planner/municipalities/{r.municipality_id}"
    found = {}
    page.goto(f"{url}/planner/insights")
    found["index"] = axe_violations(page)
    page.goto(f"{base}/needs")
    found["matrix"] = axe_violations(page)
    page.select_option("#sort", "name")
    navigate(page, page.locator("form.choices button[type=submit]"))
    assert "sort=name" in page.url
    page.goto(f"{base}/scatter?measure=life_satisfaction&indicator={quote(INDICATOR)}"
              f"&year={YEAR}")
    assert page.locator("svg.chart-scatter circle.point").count() == 12
    found["scatter"] = axe_violations(page)
    page.select_option("#measure", "sadness")
    navigate(page, page.locator("form.choices button[type=submit]"))
    assert "measure=sadness" in page.url
    with page.expect_download() as download:
        page.locator("p.downloads a", has_text="XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto(f"{base}/trends")
    found["trends"] = axe_violations(page)
    page.goto(f"{url}/planner/regions/{r.region_id}")
    found["region"] = axe_violations(page)
    page.goto(f"{url}/planner/indicators")
    found["indicators"] = axe_violations(page)
    page.set_viewport_size({"width": 768, "height": 1000})
    page.goto(f"{base}/needs")
    found["matrix at 768 px"] = axe_violations(page)
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_coordinator_school_results_are_accessible(page_factory, served, lang):
    url, r = served
    page = page_factory()
    staff_login(page, url, r.emails["coordinator"], lang)
    page.goto(f"{url}/school/results/")
    navigate(page, page.locator("main a").first)
    assert page.locator("svg.chart-intervals").count() > 10
    assert axe_violations(page) == []
