"""Security headers and a strict CSP on every page of the app (issue 12, finding 5).

A crawler follows every link that an admin, a coordinator, a planner, a pupil
and an anonymous visitor can see, and checks each response: no inline script,
style, style attribute or event handler (the CSP would block them, so the page
would break), and the headers present.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tests.pupil.helpers import Pupil
from tests.staff.conftest import login
from tests.staff.test_permissions import world  # noqa: F401 - with released results

INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "event handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"""=\s*["']?\s*javascript:""", re.I),
}
LINK = re.compile(r"""(?:href|src|action)="(/[^"]*)\"""")
NEVER_FOLLOW = ("/staff/logout",)


def check_response(path: str, response) -> list[str]:
    problems = []
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    for part in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                 "frame-ancestors 'none'", "object-src 'none'"):
        if part not in csp:
            problems.append(f"{path}: CSP lacks {part}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"{path}: CSP allows unsafe code")
    expected = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                "X-Frame-Options": "DENY"}
    for name, value in expected.items():
        if headers.get(name) != value:
            problems.append(f"{path}: {name} is {headers.get(name)!r}")
    if "Server" in headers:
        problems.append(f"{path}: Server header {headers['Server']!r}")
    # /healthz answers 503 here by design: the test database is built from the models,
    # not by the migrations, so its schema revision is not the migrations' head.
    if response.status_code >= 500 and not (path == "/healthz" and response.status_code == 503):
        problems.append(f"{path}: status {response.status_code}")
    if response.mimetype == "text/html":
        if "no-store" not in headers.get("Cache-Control", ""):
            problems.append(f"{path}: Cache-Control is {headers.get('Cache-Control')!r}")
        for what, pattern in INLINE.items():
            found = pattern.search(response.text)
            if found:
                problems.append(f"{path}: {what}: {found.group(0)[:80]}")
    return problems


def crawl(client, seeds, visited_endpoints, adapter, limit=400) -> list[str]:
    problems, queue, seen = [], deque(seeds), set()
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen or path.startswith(NEVER_FOLLOW):
            continue
        seen.add(path)
        response = client.get(path)
        problems += check_response(path, response)
        parts = urlsplit(path)
        try:
            endpoint, _args = adapter.match(parts.path, method="GET")
            if response.status_code < 400 or endpoint == "health.healthz":  # 503: see above
                visited_endpoints.add(endpoint)
        except HTTPException:
            pass
        if response.status_code in (301, 302, 303) and response.location.startswith("/"):
            queue.append(response.location)
        if response.mimetype == "text/html":
            for link in LINK.findall(response.text):
                queue.append(link.replace("&amp;", "&").split("#")[0])
        response.close()
    return problems


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_page_passes_the_csp_check_and_has_the_headers(app, world):
    adapter = app.url_map.bind("localhost")
    visited: set[str] = set()
    problems = []
    staff_seeds = ["/staff/", "/admin/", "/school/", f"/school/classes/{world.class_a}",
                   f"/school/waves/{world.wave_id}", "/admin/audit?page=2",
                   # the confirmation page is reached by a form (GET), not a link
                   f"/admin/waves/{world.wave_id}/state?state=closed",
                   # downloads whose links need data the staff world does not have
                   # (district indicators; a school above the threshold)
                   f"/planner/municipalities/{world.municipality_id}/scatter.csv",
                   f"/school/results/{world.school_a}.csv",
                   f"/school/results/{world.school_a}/report-de.pdf"]
    for role in ("admin", "coord_a", "planner"):
        client = app.test_client()
        login(client, world.emails[role])
        problems += crawl(client, staff_seeds, visited, adapter)
    anonymous = app.test_client()
    problems += crawl(anonymous, ["/", "/staff/login", "/survey/paused", "/nowhere", "/healthz"],
                      visited, adapter)
    pupil = Pupil(app.test_client())
    pupil.start(world.codes_a[0])
    problems += crawl(pupil.client, ["/survey", "/survey/assent"], visited, adapter)
    pupil.agree()
    pupil.post(1, {"grade": "6", "gender": "99", "district": "dont_know"})
    problems += crawl(pupil.client, ["/survey/page/1", "/survey/page/2"], visited, adapter)
    pupil.post(2, {"happy_1": "1", "happy_2": "4", "happy_3": "99", "sad_1": "2", "sad_2": "3",
                   "club": "0"}, action="submit")
    problems += crawl(pupil.client, ["/survey/thanks"], visited, adapter)
    assert problems == []
    # Every page must be reached; a new page that no link leads to goes into the seeds above.
    get_endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                     if "GET" in rule.methods}
    assert get_endpoints - visited == set()


def test_hsts_and_secure_cookies_only_over_https(app, world):
    plain = app.test_client()
    page = plain.get("/")
    assert "Strict-Transport-Security" not in page.headers
    assert "Secure" not in page.headers.get("Set-Cookie", "")
    secure = app.test_client()
    page = secure.get("/", base_url="https://umfrage.example.de")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "; Secure" in page.headers["Set-Cookie"]
    assert "HttpOnly" in page.headers["Set-Cookie"]


def test_forwarded_https_is_believed_only_from_a_configured_proxy(app):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    page = app.test_client().get("/", headers=forwarded)
    assert "Strict-Transport-Security" not in page.headers  # no proxy configured
    from tests.conftest import make_app

    behind_proxy = make_app(app.config["SQLALCHEMY_DATABASE_URI"],
                            app.instance_path, PROXY_COUNT=1)
    page = behind_proxy.test_client().get("/", headers=forwarded)
    assert "Strict-Transport-Security" in page.headers
    assert "; Secure" in page.headers["Set-Cookie"]


def test_the_demo_server_sends_no_server_banner(app):
    import http.client
    import threading

    from waitress.server import create_server

    from survey_app.cli.demo import WAITRESS_OPTIONS

    server = create_server(app, host="127.0.0.1", port=0, **WAITRESS_OPTIONS)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        assert response.getheader("Server") is None and response.getheader("Via") is None
        assert response.getheader("Content-Security-Policy")
        connection.close()
    finally:
        server.close()
        thread.join(timeout=5)
