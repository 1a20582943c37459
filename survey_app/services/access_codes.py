"""One-time access codes: generation, normalisation, hashing (design §4).

A code has 10 characters from a 31-letter alphabet without look-alikes (no
0/O/1/I/L): 31**10 is about 2**49.5, so guessing one of even 100,000 issued
codes takes on the order of 10**10 attempts. Only a SHA-256 hash is stored;
the code is shown once, on the printed slip.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import AccessCode, SchoolClass

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
GROUPS = (4, 4, 2)
_IGNORED = re.compile(r"[\s\-‐‑–—_.]+")


def new_code() -> str:
    """Return a fresh random code in display form, e.g. ``K7QF-M2XP-9T``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    """Group a normalised code for reading: ``K7QFM2XP9T`` -> ``K7QF-M2XP-9T``."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(raw[start:start + size])
        start += size
    return "-".join(p for p in parts if p)


def normalise(typed: str) -> str | None:
    """Turn what a pupil typed into the canonical code, or ``None`` if impossible.

    Case is ignored, and so are spaces and dashes. Anything else that is not
    in the alphabet (including look-alikes such as O or 1) makes the input
    invalid rather than silently "corrected" into somebody else's code.
    """
    cleaned = _IGNORED.sub("", typed or "").upper()
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_hash(code: str) -> str:
    """SHA-256 hex digest of a code (display or normalised form)."""
    canonical = normalise(code)
    if canonical is None:
        raise ValueError("not a valid access code")
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def find_code(session: Session, typed: str) -> AccessCode | None:
    """The stored code matching what a pupil typed, or ``None``."""
    canonical = normalise(typed)
    if canonical is None:
        return None
    return session.scalar(select(AccessCode).where(AccessCode.code_hash == code_hash(canonical)))


def generate_codes(session: Session, school_class: SchoolClass, count: int) -> list[str]:
    """Create ``count`` unused codes for a class and return them in display form.

    The plain codes exist only in the returned list: print them now.
    """
    if not 1 <= count <= 1000:
        raise ValueError("count must be between 1 and 1000")
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        code = new_code()
        digest = code_hash(code)
        if digest in seen:
            continue
        seen.add(digest)
        codes.append(code)
        session.add(AccessCode(school_class=school_class, code_hash=digest))
    session.flush()
    return codes
