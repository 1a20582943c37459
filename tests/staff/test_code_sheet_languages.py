"""Code sheets name the languages the survey offers, and link each slip's code."""

from __future__ import annotations

from survey_app.services.code_sheets import SheetHeading, code_link, code_sheet_pdf
from tests.staff.sheets import read_sheet

CODES = ["K7QF-M2XP-9T", "ABCD-EFGH-JK"]


def test_every_language_of_the_survey_is_named_in_full():
    heading = SheetHeading("Welle 2026", "Gesamtschule am Park", "7b",
                           ("en", "tr", "de", "ar", "uk"))
    sheet = read_sheet(code_sheet_pdf(CODES, "https://umfrage.example.de/", heading))
    text = " ".join(sheet.text.split())
    assert "Sprachen: Deutsch, Englisch, Türkisch, Arabisch, Ukrainisch" in text
    assert sheet.qr_texts == {code_link("https://umfrage.example.de/", c) for c in CODES}


def test_a_sheet_without_languages_has_no_language_line():
    sheet = read_sheet(code_sheet_pdf(CODES, "https://x.example/", SheetHeading("W", "S", "5a")))
    assert "Sprachen" not in sheet.text


def test_the_code_goes_into_the_fragment_never_the_query():
    assert code_link("https://x.example/start?a=1#old", "K7QF-M2XP-9T") == \
        "https://x.example/start?a=1#code=K7QF-M2XP-9T"
