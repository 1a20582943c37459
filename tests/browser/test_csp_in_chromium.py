"""The strict Content-Security-Policy breaks nothing in a real browser (issue 12, finding 5).

Chromium reports every blocked script, style or frame on its console; a pupil
goes through the whole survey (with JavaScript, so read-aloud loads too) and
not one violation may appear, while conditional questions still hide and show.
"""

from __future__ import annotations

from tests.browser.test_pupil_in_chromium import click_option, navigate, start


def test_no_page_of_the_survey_violates_the_csp(page_factory, live):
    page = page_factory()
    reports = []
    page.on("console", lambda message: reports.append(message.text))
    page.on("pageerror", lambda error: reports.append(str(error)))
    start(page, live, "de")
    navigate(page, page.locator("form [type=submit]"))
    page.fill("#q_grade", "6")
    navigate(page, page.get_by_role("button", name="Weiter", exact=True))
    navigate(page, page.get_by_role("button", name="Weiter", exact=True))
    navigate(page, page.get_by_role("button", name="Weiter", exact=True))
    assert not page.locator("#q-club_name").is_visible()
    click_option(page, "q_club", "1")
    assert page.locator("#q-club_name").is_visible()
    navigate(page, page.get_by_role("button", name="Antworten abschicken", exact=True))
    assert page.url.endswith("/survey/thanks")
    violations = [text for text in reports if "Content Security Policy" in text]
    assert violations == []
