"""Where the commands write: checked before any work, and write errors as one clean line.

One rule for every command: a command that writes a file (``export``,
``score``, ``analyse``, ``codes generate --pdf``) writes into a folder that
must exist already; a command that writes into a folder (``report``,
``simulate``) creates that folder if it is missing, but not its parents. A
mistyped path thus ends with an error naming it, instead of a traceback or a
tree of folders nobody meant. The checks run before the command reads,
computes or stores anything, so that bad input changes nothing.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import click


def _problem_in(folder: Path) -> str | None:
    """Why no file can be created in ``folder``, or None if one can."""
    if not folder.exists():
        return f"the folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"no permission to write in the folder {folder}"
    return None


def file_checked(path: str | os.PathLike) -> Path:
    """``path`` as a :class:`~pathlib.Path` if a file can be written there, else a clear error.

    Raises
    ------
    click.ClickException
        ``cannot write PATH: ...`` for a missing folder, a folder given as
        the file, or missing permission.
    """
    path = Path(path)
    if path.is_dir():
        problem = "it is a folder; give a file name"
    elif path.exists():
        problem = None if os.access(path, os.W_OK) else "no permission to write this file"
    else:
        problem = _problem_in(path.parent)
    if problem:
        raise click.ClickException(f"cannot write {path}: {problem}")
    return path


def folder_checked(path: str | os.PathLike) -> Path:
    """``path`` if files can be written into it, or it can be created; else a clear error.

    Nothing is created yet: call :func:`made` once every other input is
    checked.
    """
    path = Path(path)
    if path.exists():
        problem = _problem_in(path)
    else:
        inside = _problem_in(path.parent)
        problem = inside and f"cannot create it: {inside}"
    if problem:
        raise click.ClickException(f"cannot write into {path}: {problem}")
    return path


def made(path: Path) -> Path:
    """Create the folder :func:`folder_checked` accepted (its parent exists)."""
    with writing(path):
        path.mkdir(exist_ok=True)
    return path


@contextlib.contextmanager
def writing(path: str | os.PathLike):
    """Turn an :class:`OSError` while writing ``path`` (disk full, ...) into a clean error."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        raise click.ClickException(f"cannot write {path}: {reason}") from None
