"""Uploaded files kept between "show me" and "save": the district import's preview step.

The file waits in the instance folder under a random name that only the
admin's (signed) session knows; it is removed when the import is saved, and
files older than a day are removed whenever a new one arrives.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

MAX_AGE_SECONDS = 24 * 3600
_FOLDER = "pending-uploads"


def _folder(instance_path: str) -> Path:
    folder = Path(instance_path) / _FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(instance_path: str, data: bytes, filename: str) -> str:
    """Store an upload; return its token."""
    folder = _folder(instance_path)
    now = time.time()
    for old in folder.iterdir():
        try:
            if now - old.stat().st_mtime > MAX_AGE_SECONDS:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_hex(16)
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"filename": filename[:200]}),
                                          encoding="utf-8")
    return token


def load(instance_path: str, token: str | None) -> tuple[bytes, str] | None:
    """The upload's bytes and file name, or ``None`` when it is gone (or the token is bad)."""
    if not isinstance(token, str) or len(token) != 32 or not all(
            c in "0123456789abcdef" for c in token):
        return None
    folder = _folder(instance_path)
    try:
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
        return (folder / f"{token}.bin").read_bytes(), str(meta.get("filename", ""))
    except (OSError, ValueError):
        return None


def discard(instance_path: str, token: str | None) -> None:
    """Remove an upload (after it was imported)."""
    if load(instance_path, token) is None:
        return
    for suffix in (".bin", ".json"):
        try:
            (_folder(instance_path) / f"{token}{suffix}").unlink()
        except OSError:
            pass
