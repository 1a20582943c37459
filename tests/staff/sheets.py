"""Reading a code sheet PDF back: its codes, its slips and what its QR codes say."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import zxingcpp
from pypdf import PdfReader

CODE = re.compile(r"\b[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}\b")


@dataclass
class Sheet:
    """What a sheet shows."""

    pages: int
    codes: list[str]
    qr_draws: int
    qr_texts: set[str]
    text: str


def read_sheet(pdf: bytes) -> Sheet:
    """Parse the PDF (it must open), decode every QR image on every page."""
    reader = PdfReader(io.BytesIO(pdf))
    codes, texts, draws, all_text = [], set(), 0, []
    for page in reader.pages:
        text = page.extract_text()
        all_text.append(text)
        codes += CODE.findall(text)
        draws += len(re.findall(rb"/[\w.]+ Do\b", page.get_contents().get_data()))
        for image in page.images:
            decoded = zxingcpp.read_barcodes(image.image)
            assert decoded, "a QR image on the sheet does not decode"
            texts |= {result.text for result in decoded}
    return Sheet(len(reader.pages), codes, draws, texts, "\n".join(all_text))
