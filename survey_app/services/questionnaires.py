"""Find the questionnaire definition a wave was set up with.

Definitions are read from the shipped folder and from the folders listed in
``QUESTIONNAIRE_DIRS`` (colon-separated). A wave pins id, version and content
hash; a file whose bytes changed since is refused rather than silently used.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from analysis.questionnaire import Problem, Questionnaire, QuestionnaireError, load, validate
from questionnaires import DIRECTORY


class QuestionnaireNotFound(LookupError):
    """No definition with that id, version and hash is installed."""


def search_dirs(extra: str | None) -> tuple[Path, ...]:
    """The shipped folder, then every folder of ``extra`` (``a:b:c``)."""
    dirs = [DIRECTORY]
    dirs += [Path(p) for p in (extra or "").split(os.pathsep) if p]
    return tuple(dirs)


def definition_files(extra_dirs: str | None = None) -> list[Path]:
    """Every ``*.yaml`` in the search folders, valid or not."""
    return [path for folder in search_dirs(extra_dirs) for path in sorted(folder.glob("*.yaml"))]


@lru_cache(maxsize=64)
def _checked(path: str, mtime_ns: int) -> Questionnaire | tuple[Problem, ...]:
    """The definition, or its problems; cached until the file changes, failures too.

    Pupil pages look their wave's definition up on every request, so an
    invalid draft lying in a folder must not be parsed again each time.
    """
    try:
        return load(path)
    except QuestionnaireError as error:
        return tuple(error.problems)


def check(path: Path) -> Questionnaire | tuple[Problem, ...]:
    """The definition in ``path``, or every problem it has (never raises)."""
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError:  # gone or unreadable since the folder was listed
        return tuple(validate(path))
    return _checked(str(path), mtime_ns)


def available(extra_dirs: str | None = None) -> list[Questionnaire]:
    """Every valid definition in the search folders (invalid files are skipped)."""
    checked = (check(path) for path in definition_files(extra_dirs))
    return [result for result in checked if isinstance(result, Questionnaire)]


def problems(extra_dirs: str | None = None) -> list[Problem]:
    """Every problem of every definition file that does not validate."""
    return [problem for path in definition_files(extra_dirs)
            if not isinstance(result := check(path), Questionnaire) for problem in result]


#: Where :func:`find` last found each pinned definition: later look-ups check that one
#: file (one ``stat``, re-read only if it changed) instead of listing every folder.
_FOUND: dict[tuple, Path] = {}


def find(qid: str, version: str, content_hash: str, extra_dirs: str | None = None) -> Questionnaire:
    """The definition a wave pinned, or :class:`QuestionnaireNotFound`.

    Pupil pages call this on every request: the file found last time is
    checked first, and only if it is gone or changed are the folders searched
    again (so a changed file is still refused).
    """
    key = (qid, version, content_hash, extra_dirs)
    known = _FOUND.get(key)
    if known is not None:
        result = check(known)
        if isinstance(result, Questionnaire) and (
                result.id, result.version, result.content_hash) == (qid, version, content_hash):
            return result
        _FOUND.pop(key, None)
    changed = False
    for path in definition_files(extra_dirs):
        questionnaire = check(path)
        if not isinstance(questionnaire, Questionnaire):
            continue
        if (questionnaire.id, questionnaire.version) == (qid, version):
            if questionnaire.content_hash == content_hash:
                _FOUND[key] = path
                return questionnaire
            # Another file with this id and version (a draft copy, a city's copy of
            # the shipped file): the pinned one may still come later in the folders.
            changed = True
    if changed:
        raise QuestionnaireNotFound(
            f"questionnaire {qid} {version} has changed since the wave was set up")
    raise QuestionnaireNotFound(f"questionnaire {qid} {version} is not installed")
