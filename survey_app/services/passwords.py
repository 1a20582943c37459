"""Staff passwords: argon2id hashes and a short, humane policy.

The policy follows current advice (NIST SP 800-63B): a length of 8 to 64
characters, no composition rules, and a refusal of passwords that are known
to be common or that repeat the account's own e-mail address.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 64
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when an e-mail is unknown, so both cases take as long.

    Made on first use, not at import: hashing costs ~0.3-0.6 s by design, and
    every start of the server and every CLI call imports this module.
    """
    return _hasher.hash("not-a-real-password-for-timing")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list of frequently used passwords, lower-cased."""
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip()
                     and not line.startswith("#"))


def policy_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is not acceptable (an English message key), or ``None``."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    local_part = email.lower().partition("@")[0]
    if lowered in common_passwords() or (local_part and lowered in {local_part, email.lower()}):
        return "common"
    if len(set(lowered)) <= 2:
        return "common"
    return None


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salt and parameters included)."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; takes the same time for unknown accounts."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)
