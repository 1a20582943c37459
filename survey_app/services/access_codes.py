"""One-time access codes: generation, normalisation, hashing (design §4).

A code has 10 characters from a 31-letter alphabet without look-alikes (no
0/O/1/I/L): 31**10 is about 2**49.5, so guessing one of even 100,000 issued
codes takes on the order of 10**10 attempts. The code is shown once, on the
printed slip; the database keeps only a *keyed* hash, HMAC-SHA256 with
``ACCESS_CODE_KEY`` (kept outside the database: environment or instance
folder), so a stolen copy of the database cannot be reversed by trying all
2**49.5 codes. The HMAC is taken over the code's plain SHA-256, which is what
earlier versions stored: :func:`rehash_legacy` converts such rows without
knowing the codes (migration ``security_0001``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app
from sqlalchemy import select, update
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


#: Marks a keyed hash; an unmarked value is a legacy plain SHA-256 (64 hex digits).
KEYED_PREFIX = "h1:"
_LEGACY = re.compile(r"[0-9a-f]{64}")


def _key(key: str | bytes | None) -> bytes:
    key = current_app.config["ACCESS_CODE_KEY"] if key is None else key
    return key.encode("utf-8") if isinstance(key, str) else key


def keyed_digest(legacy: str, key: str | bytes | None = None) -> str:
    """The stored form of a code whose plain SHA-256 hex digest is ``legacy``."""
    mac = hmac.new(_key(key), legacy.encode("ascii"), hashlib.sha256).digest()
    return KEYED_PREFIX + base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def code_hash(code: str, key: str | bytes | None = None) -> str:
    """The keyed hash of a code (display or normalised form), as stored.

    ``key`` defaults to the app's ``ACCESS_CODE_KEY``.
    """
    canonical = normalise(code)
    if canonical is None:
        raise ValueError("not a valid access code")
    return keyed_digest(hashlib.sha256(canonical.encode("ascii")).hexdigest(), key)


def rehash_legacy(connection, key: str | bytes) -> int:
    """Turn every stored plain SHA-256 into the keyed hash; returns how many.

    Works on a SQLAlchemy connection without the models (migrations call it)
    and can run again: keyed values are left alone.
    """
    from sqlalchemy import column, table

    codes = table("access_code", column("id"), column("code_hash"))
    rows = connection.execute(select(codes.c.id, codes.c.code_hash)).all()
    changed = [{"row_id": row_id, "digest": keyed_digest(value, key)}
               for row_id, value in rows if _LEGACY.fullmatch(value or "")]
    if changed:
        from sqlalchemy import bindparam

        connection.execute(update(codes).where(codes.c.id == bindparam("row_id"))
                           .values(code_hash=bindparam("digest")), changed)
    return len(changed)


def typed_digest(typed: str) -> str | None:
    """The stored form (keyed hash) of what a pupil typed, or ``None`` if it is no code."""
    canonical = normalise(typed)
    return None if canonical is None else code_hash(canonical)


def find_code(session: Session, typed: str) -> AccessCode | None:
    """The stored code matching what a pupil typed, or ``None``."""
    digest = typed_digest(typed)
    if digest is None:
        return None
    return session.scalar(select(AccessCode).where(AccessCode.code_hash == digest))


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
