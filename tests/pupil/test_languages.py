"""Interface texts in five languages: complete catalogues, compiled, and right-to-left Arabic."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from survey_app.i18n import LANGUAGES
from tests.pupil.helpers import Pupil

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "survey_app" / "translations"
#: The files whose texts pupils see; every string in them must be translated.
PUPIL_SOURCES = [
    ("**/pupil/**.py", "python"),
    ("**/templates/pupil/**.html", "jinja2"),
    ("**/templates/base.html", "jinja2"),
    ("**/templates/error.html", "jinja2"),
]


def pupil_msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "survey_app", method_map=PUPIL_SOURCES,
            keywords={"_": None, "gettext": None, "_l": None, "lazy_gettext": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


def test_the_pupil_pages_have_interface_texts():
    assert len(pupil_msgids()) > 50


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_pupil_text_is_translated(lang):
    messages = catalog(lang)
    missing = sorted(m for m in pupil_msgids() if not (messages.get(m) and messages.get(m).string))
    assert not missing, f"{lang}: untranslated: {missing}"
    problems = [(m.id, errors) for m, errors in messages.check()]
    assert not problems  # e.g. a placeholder %(name)s lost in translation


def messages_of(catalogue) -> dict:
    """The translations a catalogue gives: ``(context, id) -> string``, as gettext sees them.

    The header entry is left out: it carries the Babel version and the compile date, which
    say nothing about the texts and change with whichever Babel release is installed.
    """
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)):
            m.string if isinstance(m.string, str) else tuple(m.string)
            for m in catalogue if m.id and m.string and not m.fuzzy
            and any(m.string if isinstance(m.string, tuple) else [m.string])}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogues_match_their_sources(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        stored = messages_of(read_mo(handle))
    source = messages_of(catalog(lang))
    stale = sorted(str(key) for key in source.keys() ^ stored.keys()
                   | {k for k in source.keys() & stored.keys() if source[k] != stored[k]})
    assert not stale, (
        f"survey_app/translations/{lang}: messages.mo differs from messages.po in "
        f"{len(stale)} texts (first: {stale[:3]}); run pybabel compile -d survey_app/translations")


def test_the_catalogue_check_sees_a_changed_translation(tmp_path):
    """The comparison above is by messages, not bytes, and still notices a stale text."""
    source = catalog("de")
    compiled = io.BytesIO()
    write_mo(compiled, source)
    compiled.seek(0)
    assert messages_of(read_mo(compiled)) == messages_of(source)
    changed = next(m for m in source if m.id and isinstance(m.string, str) and m.string)
    changed.string += " (changed)"
    assert messages_of(read_mo(io.BytesIO(compiled.getvalue()))) != messages_of(source)


@pytest.mark.parametrize("lang", ["tr", "ar", "uk"])
def test_draft_translations_are_marked_as_unchecked(lang):
    header = (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").read_text().splitlines()[0]
    assert "not yet checked by a native speaker" in header


def test_the_installed_package_carries_the_catalogues():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["survey_app"]
    assert "translations/**/*" in patterns


TEXTS = {  # (interface text on page 1, direction)
    "de": ("Seite 1 von 3", "ltr"), "en": ("Page 1 of 3", "ltr"),
    "tr": ("Sayfa 1 / 3", "ltr"), "ar": ("الصفحة 1 من 3", "rtl"),
    "uk": ("Сторінка 1 з 3", "ltr"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_whole_survey_in_each_language(app, branching_city, lang):
    pupil = Pupil(app.test_client())
    page = pupil.begin(branching_city.codes[0], lang=lang)
    progress, direction = TEXTS[lang]
    assert progress in page.text and f'<html lang="{lang}" dir="{direction}">' in page.text
    if lang == "tr":  # the questionnaire has Turkish: its own texts are Turkish too
        assert "Evcil hayvanın var mı?" in page.text
    page = pupil.post(1, {"has_pet": "1"})
    page = pupil.post(2, {"pet_count": "2"})
    page = pupil.post(3, {}, action="submit")
    assert page.request.path == "/survey/thanks" and "116 111" in page.text
    assert f'<html lang="{lang}" dir="{direction}">' in page.text
