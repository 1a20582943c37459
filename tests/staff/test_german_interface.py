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
]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


@lru_cache(maxsize=1)
def staff_msgids() -> frozenset[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "survey_app", method_map=STAFF_SOURCES, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return frozenset(found)


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
    """Staff msgids whose English text appears on a page (those German keeps as is aside)."""
    text = visible_text(page)
    catalog = german()
    return sorted(m for m in staff_msgids()
                  if catalog.get(m) is not None and catalog.get(m).string != m
                  and _pattern(m).search(text))


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
                     if not (catalog.get(m) is not None and catalog.get(m).string))
    assert not missing, f"de: untranslated staff texts: {missing}"
    assert not list(catalog.check())  # e.g. a placeholder %(n)d lost in translation


def test_the_pattern_finds_english_text_with_placeholders():
    assert english_left_over("<p>3 classes</p><input type='submit' value='Log in'>") == [
        "%(n)d classes", "Log in"]
    assert english_left_over('<p class="x">3 Klassen</p>') == []


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
