"""The district question in Chromium: tap or key a district on the map, search the list."""

from __future__ import annotations

import pytest

from tests.browser.test_pupil_in_chromium import navigate, start

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def to_district_page(page, live):
    start(page, live, "de")
    navigate(page, page.locator("form [type=submit]"))
    navigate(page, page.get_by_role("button", name="Weiter", exact=True))
    page.locator("figure.district-map").wait_for()


def test_tapping_a_district_on_the_map_chooses_it(page_factory, live):
    page = page_factory(width=375, height=700)  # a phone
    to_district_page(page, live)
    names = [t.strip() for t in page.locator(".options-wave_list .option-text").all_inner_texts()]
    assert names == ["Mitte", "Nord", "Süd"]  # alphabetical, not in code order
    key = page.locator("g.district", has=page.locator("title", has_text="Nord")).get_attribute(
        "data-choice")
    page.locator(f'g.district[data-choice="{key}"] path').click()
    assert page.locator(f'input[name="q_district"][value="{key}"]').is_checked()
    assert "Ausgewählt: Nord" in page.locator(".map-chosen").inner_text()
    assert "chosen" in page.locator(f'g.district[data-choice="{key}"] path').get_attribute("class")
    navigate(page, page.get_by_role("button", name="Weiter", exact=True))
    navigate(page, page.get_by_role("button", name="Zurück", exact=True))
    assert page.locator(f'input[name="q_district"][value="{key}"]').is_checked()  # stored


def test_the_map_works_with_the_keyboard(page_factory, live):
    page = page_factory()
    to_district_page(page, live)
    district = page.locator("g.district", has=page.locator("title", has_text="Mitte"))
    assert district.get_attribute("role") == "button" and district.get_attribute("tabindex") == "0"
    assert district.get_attribute("aria-label") == "Mitte"
    district.focus()
    page.keyboard.press("Enter")  # chooses; does not send the page
    assert page.url.endswith("/survey/page/2")
    key = district.get_attribute("data-choice")
    assert page.locator(f'input[name="q_district"][value="{key}"]').is_checked()
    assert district.get_attribute("aria-pressed") == "true"


def test_the_search_filters_by_name_and_by_well_known_places(page_factory, live):
    page = page_factory()
    to_district_page(page, live)
    search = page.get_by_label("Suche nach dem Namen oder nach einem Ort")
    search.fill("bahnhof")
    shown = page.locator(".options-wave_list .option:visible")
    assert shown.count() == 1 and " ".join(shown.inner_text().split()) == "Süd (Hauptbahnhof)"
    search.fill("MITTE")
    assert page.locator(".options-wave_list .option:visible .option-text").all_inner_texts() == [
        "Mitte"]
    search.fill("sud")  # without the umlaut
    assert page.locator(".options-wave_list .option:visible").count() == 1
    search.fill("Flughafen")
    assert page.locator(".options-wave_list .option:visible").count() == 0
    assert "Nichts gefunden" in page.locator(".district-search [role=status]").inner_text()
    assert page.locator(".options-extra .option:visible").count() == 1  # "don't know" stays
    search.press("Enter")  # searching never sends the page
    assert page.url.endswith("/survey/page/2")
    search.fill("")
    assert page.locator(".options-wave_list .option:visible").count() == 3


def test_without_javascript_the_list_is_the_way(page_factory, live):
    page = page_factory(java_script_enabled=False)
    to_district_page(page, live)
    assert not page.locator(".district-search").is_visible()
    assert page.locator("figure.district-map svg").get_attribute("role") == "img"
    assert page.locator(".options-wave_list .option").count() == 3
