"""The staff pages in German, the default locale: translated texts, no English left over."""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.staff.conftest import login, token_of
from tests.staff.test_permissions import world  # noqa: F401 - with released results
from tests.forms import csrf_token

ROOT = Path(__file__).resolve().parents[2]
GERMAN_PO = ROOT / "survey_app" / "translations" / "de" / "LC_MESSAGES" / "messages.po"
#: The files whose texts staff see (blueprints, their templates, the services' messages).
STAFF_SOURCES = [
    ("**/auth/**.py", "python"),
    ("**/admin/**.py", "python"),
    ("**/school/**.py", "python"),
    ("**/planner_insights/**.py", "python"),
    ("**/school_results/**.py", "python"),
    ("**/services/**.py", "python"),
    ("**/templates/staff/**.html", "jinja2"),
    ("**/templates/error.html", "jinja2"),
    ("**/labels.py", "python"),
]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


@lru_cache(maxsize=1)
def staff_messages() -> dict[str, tuple[str, ...]]:
    """Catalogue key -> the English texts of the message (singular and plural for ngettext)."""
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "survey_app", method_map=STAFF_SOURCES, keywords=KEYWORDS):
        texts = (message,) if isinstance(message, str) else tuple(message)
        found[texts[0]] = texts
    return found


def staff_msgids() -> frozenset[str]:
    return frozenset(staff_messages())


def _translations(key: str) -> tuple[str, ...]:
    entry = german().get(key)
    if entry is None or not entry.string:
        return ()
    return (entry.string,) if isinstance(entry.string, str) else tuple(entry.string)


@lru_cache(maxsize=1)
def german():
    with open(GERMAN_PO, "rb") as handle:
        return read_po(handle, locale="de")


class _Text(HTMLParser):
    """What a reader sees or hears: text, button values, labels for assistive technology."""

    ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        button = tag == "input" and dict(attrs).get("type") in ("submit", "button", "reset")
        self.parts += [v for k, v in attrs
                       if v and (k in self.ATTRIBUTES or (k == "value" and button))]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def _pattern(msgid: str) -> re.Pattern:
    """A msgid as it would show when left untranslated (``%(n)d`` a number, ``%(x)s`` any text)."""
    parts = re.split(r"%\([a-z_]+\)([sd])", " ".join(msgid.split()))
    body = "".join(re.escape(p) if i % 2 == 0 else (r"\d+" if p == "d" else ".+?")
                   for i, p in enumerate(parts))
    return re.compile(rf"(?<![\w-]){body}(?![\w-])")


def english_left_over(page: str) -> list[str]:
    """Staff texts whose English appears on a page (those German keeps as is aside).

    For a plural message both English forms are looked for (``1 classes`` is as
    wrong as ``1 class`` on a German page).
    """
    text = re.sub(r"\S+@\S+", " ", visible_text(page))  # e-mail addresses are no text
    return sorted({english for key, texts in staff_messages().items()
                   for english in texts
                   if _translations(key) and english not in _translations(key)
                   and _pattern(english).search(text)})


def german_login(client, email: str):
    """Log in through the real form, then drop the language choice: the default applies."""
    login(client, email)
    with client.session_transaction() as session:
        session.pop("lang", None)


def test_the_staff_sources_have_many_texts():
    assert len(staff_msgids()) > 250


def test_every_staff_text_has_a_german_translation():
    catalog = german()
    missing = sorted(m for m in staff_msgids()
                     if not _translations(m) or not all(_translations(m))
                     or (len(staff_messages()[m]) == 2) != isinstance(catalog.get(m).string, tuple))
    assert not missing, f"de: untranslated staff texts (or plural forms missing): {missing}"
    assert not list(catalog.check())  # e.g. a placeholder %(n)d lost in translation


def test_the_pattern_finds_english_text_with_placeholders():
    assert english_left_over("<p>3 classes</p><input type='submit' value='Log in'>") == [
        "%(num)d classes", "Log in"]
    assert english_left_over("<p>1 wave</p>") == ["%(num)d wave"]
    assert english_left_over('<p class="x">3 Klassen, 1 Klasse</p>') == []


def test_login_page_in_german(client):
    page = client.get("/staff/login")
    assert page.status_code == 200
    for text in ("Anmeldung für Mitarbeitende", "E-Mail-Adresse", "Passwort", 'value="Anmelden"',
                 "Schülerinnen und Schüler melden sich nicht hier an"):
        assert text in page.text
    assert english_left_over(page.text) == []


def test_wrong_password_in_german(client, world):
    page = client.get("/staff/login")
    page = client.post("/staff/login", data={"csrf_token": csrf_token(page.text),
                                             "email": world.emails["admin"],
                                             "password": "falsch, aber lang genug"})
    assert "E-Mail-Adresse oder Passwort ist falsch" in page.text
    assert english_left_over(page.text) == []


def test_admin_overview_in_german(app, world):
    client = app.test_client()
    german_login(client, world.emails["admin"])
    page = client.get("/admin/")
    assert page.status_code == 200
    for text in ("Verwaltung", "Gebiete", "Wellen", "Benutzerkonten", "Prüfprotokoll",
                 "Rücklaufquoten, stadtweit", "Abmelden"):
        assert text in page.text
    assert english_left_over(page.text) == []


def test_coordinator_class_page_in_german(app, world):
    client = app.test_client()
    german_login(client, world.emails["coord_a"])
    page = client.get(f"/school/classes/{world.class_a}")
    assert page.status_code == 200
    for text in ("Codezettel drucken", "Rücklaufquote", "Zugangscode entwerten",
                 "Verlorenen Zettel ersetzen", "Klasse schließen", "Schülerzahl"):
        assert text in page.text
    assert english_left_over(page.text) == []
    # Stored states and roles are shown as translated labels, not as database keys.
    shown = visible_text(page.text)
    assert "(Schulkoordination)" in shown and "(coordinator)" not in shown
    assert re.search(r"Status der Klasse: offen\b", shown), shown[:600]


def test_a_bad_code_count_is_refused_in_german(app, world):
    client = app.test_client()
    german_login(client, world.emails["coord_a"])
    page = client.post(f"/school/classes/{world.class_a}/codes",
                       data={"csrf_token": token_of(client), "count": ""})
    assert page.status_code == 422
    assert "Bitte geben Sie eine Zahl ein." in page.text
    assert english_left_over(page.text) == []


def test_wave_dates_in_the_wrong_order_are_refused_in_german(app, world):
    client = app.test_client()
    german_login(client, world.emails["admin"])
    page = client.get("/admin/waves/new")
    assert page.status_code == 200 and english_left_over(page.text) == []
    choice = re.search(r'name="questionnaire"[^>]*>\s*<option[^>]*value="([^"]+)"', page.text)
    today = dt.date.today()
    page = client.post("/admin/waves/new", data={
        "csrf_token": csrf_token(page.text), "name": "Welle mit falschen Daten",
        "questionnaire": html.unescape(choice.group(1)),
        "municipality_id": str(world.municipality_id), "region_id": "",
        "grade_min": "3", "grade_max": "6",
        "opens_on": today.isoformat(), "closes_on": (today - dt.timedelta(days=1)).isoformat()})
    assert page.status_code == 422
    assert "Das Enddatum darf nicht vor dem Startdatum liegen." in page.text
    assert "Welle anlegen" in page.text
    assert english_left_over(page.text) == []


def test_english_stays_available_for_staff(app, world):
    client = app.test_client()
    login(client, world.emails["admin"])  # the helper chooses English
    page = client.get("/admin/")
    assert "Administration" in page.text and "Audit log" in page.text


def staff_page_urls(app, world) -> list[str]:
    """Every staff page an admin can open with GET (from the permission matrix), plus states."""
    from flask import url_for

    from tests.staff.test_permissions import CASES, staff_rules
    with app.test_request_context():
        urls = [url_for(rule.endpoint, **make_args(world))
                for rule, methods in staff_rules(app) if "GET" in methods
                for make_args, _allowed in CASES[rule.endpoint]]
        urls += [url_for("admin.wave_state", wave_id=world.wave_id, state="closed"),
                 url_for("admin.audit_log", date_from="2026-01-02", date_to="2026-01-01")]
    return [url for url in urls if "/logout" not in url]


def test_every_staff_page_is_german(app, world):
    """No English left on any page an admin or a coordinator sees in the German interface."""
    admin = app.test_client()
    german_login(admin, world.emails["admin"])
    coordinator = app.test_client()
    german_login(coordinator, world.emails["coord_a"])
    checked = []
    for url in staff_page_urls(app, world):
        page = admin.get(url, follow_redirects=True)  # a redirect's own body is Werkzeug's
        assert page.status_code < 400, url
        if page.mimetype != "text/html":
            continue  # downloads: their headers are checked with the download tests
        assert english_left_over(page.text) == [], url
        checked.append(url)
    for url in ("/school/", f"/school/waves/{world.wave_id}",
                f"/school/classes/{world.class_a}", "/staff/password"):
        page = coordinator.get(url)
        assert page.status_code == 200 and english_left_over(page.text) == [], url
    closing = coordinator.post(f"/school/classes/{world.class_a}/state",
                               data={"csrf_token": token_of(coordinator), "state": "closed"})
    assert closing.status_code == 200 and english_left_over(closing.text) == []
    assert len(checked) > 25
