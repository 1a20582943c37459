"""Uploaded files kept between "show me" and "save": the district import's preview step.

The file waits in the instance folder under a random name that only the
admin's (signed) session knows; it is removed when the import is saved, and
files older than a day are removed whenever a new one arrives. The folder is
bounded (noticed when attacking the uploads, issue 12: each upload of up to
16 MB stayed for a day, without limit): a session's new upload replaces its
earlier one, and the oldest files go when the folder would exceed
:data:`MAX_FOLDER_BYTES` (their admins are asked to upload again).
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

MAX_AGE_SECONDS = 24 * 3600
#: All pending uploads together (16 uploads of the largest size the app takes).
MAX_FOLDER_BYTES = 256 * 1024 * 1024
_FOLDER = "pending-uploads"


def _folder(instance_path: str) -> Path:
    folder = Path(instance_path) / _FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(instance_path: str, data: bytes, filename: str, replaces: str | None = None) -> str:
    """Store an upload; return its token. ``replaces``: the session's earlier upload,
    removed (the session can only come back to the new one)."""
    discard(instance_path, replaces)
    folder = _folder(instance_path)
    now = time.time()
    kept: dict[str, list] = {}  # token -> [time, bytes]
    for path in folder.iterdir():
        try:
            stat = path.stat()
        except OSError:
            continue
        entry = kept.setdefault(path.stem, [stat.st_mtime, 0])
        entry[0], entry[1] = min(entry[0], stat.st_mtime), entry[1] + stat.st_size
    total = sum(size for _, size in kept.values()) + len(data)
    for stem, (mtime, size) in sorted(kept.items(), key=lambda item: item[1][0]):
        if now - mtime > MAX_AGE_SECONDS or total > MAX_FOLDER_BYTES:
            _remove(folder, stem)
            total -= size
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
    if load(instance_path, token) is not None:
        _remove(_folder(instance_path), token)


def _remove(folder: Path, stem: str) -> None:
    for suffix in (".bin", ".json"):
        try:
            (folder / f"{stem}{suffix}").unlink()
        except OSError:
            pass
