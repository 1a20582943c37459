"""Printable code sheets: A4 pages of cut-out slips, one per access code.

Each slip shows the school and class, the code in large letters, the survey
address, the languages the survey offers, a QR code, and two lines of
instructions in German. The QR code opens the start page with the slip's code
filled in: the code travels in the address's fragment (``…/#code=K7QF-M2XP-9T``),
which browsers never send to a server, so it ends up in no server or proxy
log, and the start page removes it from the address bar and the history
(``static/pupil/code_link.js``). Where scanning is not possible, the code is
typed as before.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

COLUMNS, ROWS = 2, 5
MARGIN = 10 * mm
INSTRUCTIONS = (
    "1. Öffne die Adresse oder scanne den QR-Code.",
    "2. Gib deinen Code ein. Er gilt nur einmal – zeig ihn niemandem.",
)


@dataclass(frozen=True)
class SheetHeading:
    """What every slip of a sheet says about where it belongs, and the survey's languages.

    ``languages`` are language codes (``de``, ``ar``, ...); the slip names them
    in German, the language of its instructions (the PDF's standard fonts
    cannot show Arabic or Cyrillic script).
    """

    wave: str
    school: str
    school_class: str
    languages: tuple[str, ...] = ()


def sheet_heading(school_class, extra_dirs: str | None = None) -> SheetHeading:
    """The heading of a class's sheet, with the languages of the wave's questionnaire.

    The pupil pages offer the interface languages; the questionnaire's own
    languages are the ones its questions are written in, so those are listed.
    """
    from survey_app.services import questionnaires

    wave = school_class.wave
    try:
        questionnaire = questionnaires.find(wave.questionnaire_id, wave.questionnaire_version,
                                            wave.questionnaire_hash, extra_dirs)
        languages = tuple(questionnaire.language_codes)
    except questionnaires.QuestionnaireNotFound:
        languages = ()
    return SheetHeading(wave.name, school_class.school.name, school_class.name, languages)


def code_link(url: str, code: str) -> str:
    """The start page address with ``code`` in its fragment (never sent to the server).

    >>> code_link("https://umfrage.example.de/", "K7QF-M2XP-9T")
    'https://umfrage.example.de/#code=K7QF-M2XP-9T'
    """
    return f"{url.split('#', 1)[0]}#code={code}"


def language_names(codes: tuple[str, ...]) -> str:
    """The languages' German names, German first: ``Deutsch, Englisch, Türkisch``."""
    from babel import Locale, UnknownLocaleError

    names = []
    for code in sorted(codes, key=lambda c: (c != "de",)):
        try:
            names.append(Locale.parse(code).get_display_name("de"))
        except (ValueError, UnknownLocaleError):
            names.append(code)
    return ", ".join(names)


def qr_image(url: str) -> ImageReader:
    """A QR code of ``url`` as an image reportlab can draw (medium error correction)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    """Shorten ``text`` with an ellipsis until it fits ``width``."""
    while text and canvas.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def _slip(canvas: Canvas, x: float, y: float, w: float, h: float, code: str, url: str,
          heading: SheetHeading, qr: ImageReader) -> None:
    canvas.setDash(3, 3)
    canvas.setStrokeGray(0.55)
    canvas.rect(x, y, w, h)
    canvas.setDash()
    pad = 4 * mm
    qr_size = h - 2 * pad - 10 * mm
    canvas.drawImage(qr, x + w - pad - qr_size, y + h - pad - qr_size, qr_size, qr_size)
    text_w = w - 3 * pad - qr_size
    left, top = x + pad, y + h - pad
    canvas.setFillGray(0.25)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(left, top - 8, _fit(canvas, heading.wave, "Helvetica", 8, text_w))
    canvas.drawString(left, top - 18, _fit(canvas, f"{heading.school} · Klasse "
                                                   f"{heading.school_class}", "Helvetica", 8,
                                           text_w))
    canvas.setFillGray(0)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(left, top - 34, "Dein Code:")
    canvas.setFont("Courier-Bold", 17)
    canvas.drawString(left, top - 52, code)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(left, top - 68, "Adresse:")
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(left, top - 79, _fit(canvas, url, "Helvetica-Bold", 9, text_w))
    if heading.languages:
        canvas.setFont("Helvetica", 7.5)
        lines = simpleSplit("Sprachen: " + language_names(heading.languages), "Helvetica", 7.5,
                            text_w)
        for number, line in enumerate(lines[:2]):
            if number == 1 and len(lines) > 2:
                line = _fit(canvas, line + " …", "Helvetica", 7.5, text_w)
            canvas.drawString(left, top - 92 - 9 * number, line)
    canvas.setFont("Helvetica", 7.5)
    for number, line in enumerate(INSTRUCTIONS):
        canvas.drawString(left, y + pad + 9 * (1 - number),
                          _fit(canvas, line, "Helvetica", 7.5, w - 2 * pad))


def code_sheet_pdf(codes: list[str], url: str, heading: SheetHeading) -> bytes:
    """The PDF bytes of a sheet with one slip per code (10 slips per A4 page)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(f"Codes {heading.school} {heading.school_class}")
    canvas.setAuthor("wellbeing survey")
    page_w, page_h = A4
    slip_w = (page_w - 2 * MARGIN) / COLUMNS
    slip_h = (page_h - 2 * MARGIN) / ROWS
    per_page = COLUMNS * ROWS
    for start in range(0, len(codes), per_page):
        for offset, code in enumerate(codes[start:start + per_page]):
            row, col = divmod(offset, COLUMNS)
            x = MARGIN + col * slip_w
            y = page_h - MARGIN - (row + 1) * slip_h
            _slip(canvas, x, y, slip_w, slip_h, code, url, heading,
                  qr_image(code_link(url, code)))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
