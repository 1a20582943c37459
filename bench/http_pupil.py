"""A pupil taking the survey over real HTTP, as a tablet's browser would.

Used by ``bench/web.py`` (hundreds at once, with server crashes) and by the
test of ``wellbeing serve``. Standard library only: one keep-alive connection
per pupil, the cookie jar of one browser, no redirect following (every status
is checked). A page save counts as *acknowledged* only when the server
answered it with the page it leads to (200, the next questionnaire page) or
with a redirect (sending, pausing); the answers of acknowledged saves are what
must be stored, exactly.
"""

from __future__ import annotations

import http.client
import random
import re
import time
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

_HIDDEN = re.compile(r'<input id="(csrf_token|response_token|page_id)" name="\1" '
                     r'type="hidden" value="([^"]*)"')
_RADIO = re.compile(r'<input type="radio" id="[^"]+" name="(q_[^"]+)" value="([^"]+)"')
_NUMBER = re.compile(r'<input type="number"[^>]*>')
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
_ACTION = re.compile(r'<button type="submit"[^>]*name="action" value="(next|submit)"')
_PAGE = re.compile(r"^/survey/page/(\d+)$")
#: The page a save answered with: its form posts to the page's own address.
_FORM_ACTION = re.compile(r'<form id="page-form" method="post" action="(/survey/page/(\d+))"')
#: The assent page, which answers a code on its first use.
_ASSENT_FORM = '<form id="assent-form" method="post" action="/survey/assent"'


class Unanswered(Exception):
    """The server did not answer (connection refused or reset, timeout): try again."""


class Unexpected(Exception):
    """The server answered something no step of the flow expects (a bug, or a 5xx)."""


@dataclass
class Page:
    """A questionnaire page as shown: hidden control fields, items and offered values."""

    number: int
    hidden: dict[str, str]
    radios: dict[str, list[str]]
    numbers: dict[str, tuple[int, int]]
    final: bool


def parse_page(number: int, html: str) -> Page:
    """Read the form of a questionnaire page (only what our templates render)."""
    radios: dict[str, list[str]] = {}
    for name, value in _RADIO.findall(html):
        radios.setdefault(name, []).append(unescape(value))
    numbers = {}
    for tag in _NUMBER.findall(html):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if "name" in attributes:
            numbers[attributes["name"]] = (int(attributes.get("min", 0)),
                                           int(attributes.get("max", 20)))
    actions = set(_ACTION.findall(html))
    hidden = {name: unescape(value) for name, value in _HIDDEN.findall(html)}
    if "csrf_token" not in hidden or "page_id" not in hidden:
        raise Unexpected(f"page {number} has no questionnaire form")
    return Page(number, hidden, radios, numbers, "submit" in actions)


class Browser:
    """One tablet: a keep-alive connection to the server and its cookies."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method: str, path: str, form: dict | None = None
                ) -> tuple[int, str, str]:
        """``(status, location path, body)``; raises :class:`Unanswered` on network errors."""
        headers = {"Host": f"{self.host}:{self.port}"}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port,
                                                             timeout=self.timeout)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise Unanswered(f"{method} {path}: {type(error).__name__}") from None
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.close()
        location = urlsplit(response.headers.get("Location", "")).path
        return response.status, location, text


@dataclass
class PupilRecord:
    """What the server acknowledged to one pupil."""

    code: str
    answers: dict[str, str] = field(default_factory=dict)
    saves: list[float] = field(default_factory=list)  # seconds per acknowledged page save
    saved_at: list[float] = field(default_factory=list)  # time.monotonic() when acknowledged
    views: list[float] = field(default_factory=list)  # seconds per page shown
    submitted: bool = False
    retries: int = 0


def choose_answers(page: Page, rng: random.Random) -> dict[str, str]:
    """A plausible pupil: answers most questions, skips a few."""
    answers = {}
    for name, values in page.radios.items():
        if rng.random() < 0.92:
            answers[name] = rng.choice(values)
    for name, (low, high) in page.numbers.items():
        if rng.random() < 0.9:
            answers[name] = str(rng.randint(low, high))
    return answers


class SurveyPupil:
    """Takes the survey with one code from start to thank-you page, retrying what went unanswered.

    ``think`` is the mean pause before each page save (seconds; 0 for load
    tests). Pauses are drawn at random (exponential, at most five times the
    mean), as pupils read at different speeds: equal pauses would make all
    pupils save in step, in bursts no class produces. ``deadline`` is a
    ``time.monotonic()`` value after which the pupil gives up.
    """

    def __init__(self, base_url: str, code: str, seed: int, think: float = 0.0,
                 deadline: float | None = None, max_retries: int = 400) -> None:
        self.browser = Browser(base_url)
        self.record = PupilRecord(code)
        self.rng = random.Random(seed)
        self.think = think
        self.deadline = deadline or time.monotonic() + 3600
        self.max_retries = max_retries
        self.plans: dict[int, dict[str, str]] = {}
        self._assent_html: str | None = None

    def _retry(self, step):
        """Run ``step`` until the server answers it (bounded in count and time)."""
        failures = 0
        while True:
            try:
                return step()
            except Unanswered:
                self.record.retries += 1
                failures += 1
                if self.record.retries > self.max_retries or time.monotonic() > self.deadline:
                    raise
                # Back off like a pupil pressing "Next" again: soon, then less often.
                time.sleep(min(2.0, 0.1 * 2 ** min(failures, 5)) * (0.5 + self.rng.random()))

    def _start(self) -> str:
        """Enter the code: the path of the page that answers it (the assent page, whose
        HTML is kept for :meth:`_assent`), or where the redirect leads (resuming)."""
        status, _, html = self.browser.request("GET", "/")
        token = _HIDDEN.search(html)
        if status != 200 or token is None:
            raise Unexpected(f"start page: {status}")
        status, location, html = self.browser.request(
            "POST", "/", {"csrf_token": unescape(token.group(2)), "code": self.record.code})
        if status == 200 and _ASSENT_FORM in html:
            self._assent_html = html
            return "/survey/assent"
        if status != 303:
            raise Unexpected(f"code {self.record.code} refused: {status}")
        return location

    def _follow(self, path: str) -> str:
        """Follow redirects from ``path`` to a page that shows something; return its path."""
        for _ in range(10):
            status, location, html = self.browser.request("GET", path)
            if status in (301, 302, 303):
                path = location
                continue
            if status != 200:
                raise Unexpected(f"GET {path}: {status}")
            self._html = html
            return path
        raise Unexpected(f"too many redirects from {path}")

    def _assent(self) -> tuple[str, Page | None]:
        """Agree: ``(path, first page)`` when the server answers with the page (a view),
        ``(where to go, None)`` after a redirect or when already past the assent page."""
        html, self._assent_html = self._assent_html, None
        if html is None:  # resuming, or the post went unanswered: ask for the page
            status, _, html = self.browser.request("GET", "/survey/assent")
            if status != 200:
                return "/survey", None
        token = _HIDDEN.search(html)
        if token is None:
            return "/survey", None  # already past the assent page
        began = time.perf_counter()
        status, location, html = self.browser.request(
            "POST", "/survey/assent", {"csrf_token": unescape(token.group(2))})
        shown = _FORM_ACTION.search(html) if status == 200 else None
        if shown is not None:
            self.record.views.append(time.perf_counter() - began)
            return shown.group(1), parse_page(int(shown.group(2)), html)
        if status != 303:
            raise Unexpected(f"assent: {status}")
        return location, None

    def _show(self, path: str) -> tuple[str, Page | None]:
        began = time.perf_counter()
        path = self._follow(path)
        self.record.views.append(time.perf_counter() - began)
        match = _PAGE.match(path)
        return path, (parse_page(int(match.group(1)), self._html) if match else None)

    def _save(self, page: Page) -> tuple[str, Page | None]:
        """Post ``page``: ``(where to go, None)`` after a redirect, ``(path, next page)``
        when the server answered with the page the save leads to."""
        plan = self.plans.setdefault(page.number, choose_answers(page, self.rng))
        posted = {name: value for name, value in plan.items()
                  if name in page.radios or name in page.numbers}
        form = dict(page.hidden, action="submit" if page.final else "next", **posted)
        began = time.perf_counter()
        status, location, html = self.browser.request("POST", f"/survey/page/{page.number}",
                                                      form)
        shown = _FORM_ACTION.search(html) if status == 200 else None
        if status != 303 and shown is None:
            raise Unexpected(f"save of page {page.number}: {status}")
        self.record.saves.append(time.perf_counter() - began)
        self.record.saved_at.append(time.monotonic())
        self.record.answers.update({name[2:]: value for name, value in posted.items()})
        if shown is not None:
            return shown.group(1), parse_page(int(shown.group(2)), html)
        if page.final and location == "/survey/thanks":
            self.record.submitted = True
        return location, None

    def take_survey(self) -> PupilRecord:
        """Start, agree, answer every page and submit; return what was acknowledged."""
        try:
            self._retry(self._start)
            path, page = self._retry(self._assent)
            while not self.record.submitted:
                if page is None:
                    path, page = self._retry(lambda: self._show(path))
                if page is None:
                    if path == "/survey/thanks":
                        self.record.submitted = True  # acknowledged before a crash
                        break
                    raise Unexpected(f"unexpected page {path}")
                if self.think:
                    time.sleep(min(5 * self.think, self.rng.expovariate(1 / self.think)))
                path, page = self._retry(lambda: self._save(page))
            return self.record
        finally:
            self.browser.close()
