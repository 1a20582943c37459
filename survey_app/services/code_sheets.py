"""Printable code sheets: A4 pages of cut-out slips, one per access code.

Each slip shows the school and class, the code in large letters, the survey
address, a QR code that opens the start page, and two lines of instructions
in German. The QR code holds only the start page address, never the code, so
codes do not end up in browser histories or server logs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

COLUMNS, ROWS = 2, 5
MARGIN = 10 * mm
INSTRUCTIONS = (
    "1. Öffne die Adresse oder scanne den QR-Code.",
    "2. Gib deinen Code ein. Er gilt nur einmal – zeig ihn niemandem.",
)


@dataclass(frozen=True)
class SheetHeading:
    """What every slip of a sheet says about where it belongs."""

    wave: str
    school: str
    school_class: str


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
    qr = qr_image(url)
    page_w, page_h = A4
    slip_w = (page_w - 2 * MARGIN) / COLUMNS
    slip_h = (page_h - 2 * MARGIN) / ROWS
    per_page = COLUMNS * ROWS
    for start in range(0, len(codes), per_page):
        for offset, code in enumerate(codes[start:start + per_page]):
            row, col = divmod(offset, COLUMNS)
            x = MARGIN + col * slip_w
            y = page_h - MARGIN - (row + 1) * slip_h
            _slip(canvas, x, y, slip_w, slip_h, code, url, heading, qr)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
