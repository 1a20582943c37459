"""Find the questionnaire definition a wave was set up with.

Definitions are read from the shipped folder and from the folders listed in
``QUESTIONNAIRE_DIRS`` (colon-separated). A wave pins id, version and content
hash; a file whose bytes changed since is refused rather than silently used.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from analysis.questionnaire import Questionnaire, QuestionnaireError, load
from questionnaires import DIRECTORY


class QuestionnaireNotFound(LookupError):
    """No definition with that id, version and hash is installed."""


def search_dirs(extra: str | None) -> tuple[Path, ...]:
    """The shipped folder, then every folder of ``extra`` (``a:b:c``)."""
    dirs = [DIRECTORY]
    dirs += [Path(p) for p in (extra or "").split(os.pathsep) if p]
    return tuple(dirs)


@lru_cache(maxsize=32)
def _load_cached(path: str, mtime_ns: int) -> Questionnaire:
    return load(path)


def load_path(path: Path) -> Questionnaire:
    """Load a definition, cached until the file changes."""
    return _load_cached(str(path), path.stat().st_mtime_ns)


def available(extra_dirs: str | None = None) -> list[Questionnaire]:
    """Every valid definition in the search folders (invalid files are skipped)."""
    found = []
    for folder in search_dirs(extra_dirs):
        for path in sorted(folder.glob("*.yaml")):
            try:
                found.append(load_path(path))
            except (QuestionnaireError, OSError):  # reported by `questionnaire validate`
                continue
    return found


def find(qid: str, version: str, content_hash: str, extra_dirs: str | None = None) -> Questionnaire:
    """The definition a wave pinned, or :class:`QuestionnaireNotFound`."""
    for questionnaire in available(extra_dirs):
        if (questionnaire.id, questionnaire.version) == (qid, version):
            if questionnaire.content_hash != content_hash:
                raise QuestionnaireNotFound(
                    f"questionnaire {qid} {version} has changed since the wave was set up"
                )
            return questionnaire
    raise QuestionnaireNotFound(f"questionnaire {qid} {version} is not installed")
