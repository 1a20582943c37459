"""A planner's whole path in headless Chromium on the demo city with two released waves:
log in, open the map, switch the measure, sort the table, open a district profile, import
indicators, open the needs matrix and the trend, download every table; axe-core finds no
WCAG 2.1 A/AA violation on any of these pages, in German and in English, at 1280 px and at
768 px (issue 10, "Done when")."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.browser.test_pupil_in_chromium import axe_violations, navigate
from tests.browser.conftest import serving, staff_login
from tests.conftest import make_app
from tests.insights.conftest import earlier_release, indicator_csv, make_released


@pytest.fixture(scope="module")
def demo_city(sqlite_template, tmp_path_factory):
    """The demo city with two released waves and its indicators, served on a free port;
    and an indicator file a planner would upload."""
    import shutil

    folder = tmp_path_factory.mktemp("planner")
    shutil.copy(sqlite_template, folder / "live.sqlite")
    app = make_app(f"sqlite:///{folder / 'live.sqlite'}", folder / "instance")
    with app.app_context():
        released = make_released()
        earlier_release(released.result_set_id)
        upload = folder / "indikatoren.csv"
        upload.write_text(indicator_csv(released.municipality_id), encoding="utf-8")
    with serving(app) as url:
        yield url, released, upload


def _download(page, text: str, lang: str) -> list[list]:
    """Click the first download link named ``text`` in the page's download lines; the
    table's rows (CSV in the page language's format, or the XLSX sheet)."""
    with page.expect_download() as waiting:
        page.locator("p.downloads a", has_text=text).first.click()
    data = Path(waiting.value.path()).read_bytes()
    if text == "CSV":
        assert data.startswith("\ufeff".encode("utf-8"))
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")),
                               delimiter=";" if lang == "de" else ","))
    else:
        rows = [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(
            values_only=True)]
    assert len(rows) > 2 and len(rows[0]) > 3
    return rows


def _downloads(page, lang: str) -> list[list]:
    csv_rows = _download(page, "CSV", lang)
    xlsx_rows = _download(page, "XLSX", lang)
    assert [str(c) for c in xlsx_rows[0]] == csv_rows[0]  # the same table, same headers
    return csv_rows


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_planner_walks_through_the_workspace(page_factory, demo_city, lang):
    url, r, upload = demo_city
    page = page_factory()
    staff_login(page, url, r.emails["planner"], lang)
    found = {}
    # the map: the landing page of a planner
    page.goto(f"{url}/planner/")
    assert f"/planner/waves/{r.wave_id}/municipalities/{r.municipality_id}" in page.url
    assert page.locator("svg.choropleth path").count() >= 12
    found["map"] = axe_violations(page)
    # switch the measure (the form is sent by script on change; the address follows)
    page.select_option("#measure", "life_satisfaction")
    page.wait_for_url(re.compile(r"measure=life_satisfaction"))
    page.wait_for_function("document.querySelector('#results-status').textContent"
                           ".includes(document.querySelector('#measure option:checked')"
                           ".textContent.trim().slice(0, 8))")
    overview_csv = _downloads(page, lang)
    # sort the table by the estimate, highest first
    page.locator("#table thead a").nth(2).click()
    page.wait_for_selector('#table thead th:nth-child(3)[aria-sort="ascending"]')
    page.locator("#table thead a").nth(2).click()
    page.wait_for_selector('#table thead th:nth-child(3)[aria-sort="descending"]')
    assert "sort=estimate" in page.url and "order=desc" in page.url
    figures = [float(t.split()[0].replace(",", "."))
               for t in page.locator("#table tbody tr td:nth-child(3)").all_inner_texts()
               if re.match(r"^\d", t.strip())]
    assert len(figures) >= 5 and figures == sorted(figures, reverse=True)
    found["sorted table"] = axe_violations(page)
    # a district profile, from the table
    navigate(page, page.locator("#table tbody th a").first)
    assert "/districts/" in page.url
    profile = page.url
    assert page.locator("table.profile-table").count() >= 3
    assert page.get_by_text(re.compile("Musterstadt 2024")).count() >= 1  # change column
    found["profile"] = axe_violations(page)
    profile_csv = _downloads(page, lang)
    assert len(profile_csv[0]) > len(overview_csv[0])
    # import indicators: preview, then import
    page.goto(f"{url}/planner/indicators")
    found["indicator import"] = axe_violations(page)
    page.set_input_files("input[type=file]", str(upload))
    navigate(page, page.locator("form[enctype='multipart/form-data'] [type=submit]"))
    found["indicator preview"] = axe_violations(page)
    navigate(page, page.locator("form[action$='/indicators/confirm'] [type=submit]"))
    assert page.locator("p.flash-success").count() == 1
    # the needs matrix and the trend, with their tables
    page.goto(f"{url}/planner/municipalities/{r.municipality_id}/needs")
    assert page.locator("table").count() >= 1
    found["matrix"] = axe_violations(page)
    _downloads(page, lang)
    page.goto(f"{url}/planner/municipalities/{r.municipality_id}/trends"
              "?measure=life_satisfaction")
    assert page.locator("svg").count() >= 1
    found["trend"] = axe_violations(page)
    trend_csv = _downloads(page, lang)
    assert {"Musterstadt 2024"} <= {cell for row in trend_csv for cell in row}
    # a tablet: the same pages at 768 px
    page.set_viewport_size({"width": 768, "height": 1024})
    for name, address in [
            ("map", f"/planner/waves/{r.wave_id}/municipalities/{r.municipality_id}"),
            ("profile", profile.removeprefix(url)),
            ("indicator import", "/planner/indicators"),
            ("matrix", f"/planner/municipalities/{r.municipality_id}/needs"),
            ("trend", f"/planner/municipalities/{r.municipality_id}/trends")]:
        page.goto(url + address)
        found[f"{name} at 768 px"] = axe_violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate("Array.from(document.querySelectorAll('body *')).filter(e => "
                             "e.getBoundingClientRect().right > 770).slice(0, 5).map(e => "
                             "e.tagName + '.' + e.className + ':' + e.parentElement.className + ':' + "
                             "getComputedStyle(e.parentElement).overflowX + ':' + "
                             "e.parentElement.getBoundingClientRect().width)")
        assert width <= 768 + 2, (name, width, wide)  # no sideways scrolling of the page
    assert {k: v for k, v in found.items() if v} == {}
