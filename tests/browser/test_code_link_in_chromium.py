"""Scanning a slip's QR code: the start page opens with the code filled in."""

from __future__ import annotations

import pytest

from tests.browser.test_pupil_in_chromium import navigate

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_qr_link_fills_in_the_code_and_leaves_no_trace_of_it(page_factory, live):
    page = page_factory(width=375, height=700)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    code = live.code()
    page.goto(f"{live.url}/#code={code}")
    assert page.locator("#code").input_value() == code
    assert page.evaluate("window.location.href") == f"{live.url}/"  # gone from the address bar
    assert not any(code in url for url in requests)  # never sent to the server
    navigate(page, page.locator("form.start-form [type=submit]"))
    assert page.url.endswith("/survey/assent")


def test_typing_the_code_still_works(page_factory, live):
    page = page_factory()
    page.goto(f"{live.url}/")
    code = live.code()
    page.fill("#code", code.lower().replace("-", " "))
    navigate(page, page.locator("form.start-form [type=submit]"))
    assert page.url.endswith("/survey/assent")
