"""Headless Chromium (Debian's, via Playwright) against the app served by waitress.

Playwright's own browser download is not used: the tests launch the system's
``/usr/bin/chromium`` (``.ci/run`` installs it). Without it the tests fail
with a clear message when ``CI`` is set, and are skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import FILES, make_app

CHROMIUM = os.environ.get("WELLBEING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BROWSER_FILES = Path(__file__).parent / "files"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _unavailable() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is missing (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    problem = _unavailable()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run: {problem}")
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class LiveSurvey:
    """The served app's address and a fresh code per request."""

    def __init__(self, url: str, codes: list[str]):
        self.url, self._codes = url, list(codes)

    def code(self) -> str:
        """An unused code of the open class."""
        return self._codes.pop()


@contextmanager
def serving(app):
    """``app`` served by waitress on a free port of 127.0.0.1; yields its address."""
    from waitress.server import create_server

    from survey_app.extensions import db

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        with app.app_context():
            db.engine.dispose()


def staff_login(page, url: str, email: str, lang: str) -> None:
    """Log a staff member in (the test password) and switch the interface to ``lang``."""
    from tests.staff.conftest import PASSWORD

    page.goto(f"{url}/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.locator("form [type=submit]").first.click()
    page.goto(f"{url}/language/{lang}?next=auth.home")


@pytest.fixture(scope="module")
def live(sqlite_template, tmp_path_factory):
    """The app on a SQLite copy, served by waitress on a free port of 127.0.0.1."""
    from survey_app.demo.seed import district_polygon
    from survey_app.extensions import db
    from survey_app.models import District
    from tests.factories import small_city

    folder = tmp_path_factory.mktemp("browser")
    shutil.copy(sqlite_template, folder / "live.sqlite")
    app = make_app(f"sqlite:///{folder / 'live.sqlite'}", folder / "instance",
                   QUESTIONNAIRE_DIRS=os.pathsep.join([str(FILES), str(BROWSER_FILES)]))
    with app.app_context():
        city = small_city(codes=20, questionnaire_file=str(BROWSER_FILES / "every_type.yaml"))
        for index, district in enumerate(db.session.scalars(select(District))):
            district.geometry = district_polygon(index, columns=2)
            if district.name == "Süd":  # well-known places, for the district search
                district.places = '["Hauptbahnhof", "Stadtpark Süd"]'
        db.session.commit()
    with serving(app) as url:
        yield LiveSurvey(url, city.codes)


@pytest.fixture
def page_factory(browser):
    """New pages (own cookies) with a given viewport; closed after the test."""
    contexts = []

    def make(width: int = 1280, height: int = 900, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
