"""Load a questionnaire YAML file into a validated, frozen :class:`Questionnaire`.

Loading runs in stages, each stopping at its own kind of problem: read the
bytes, decode UTF-8, parse YAML (keeping lines), validate the structure with
the pydantic models, then run the cross-reference checks. Every problem names
the file and line so a survey team can fix its definition without reading
Python tracebacks; :func:`validate` never raises for bad content.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path as FsPath

from pydantic import ValidationError

from ._checks import find_problems
from ._errors import Finding, translate
from .model import Questionnaire
from ._yaml_lines import LocatedData, YamlError, parse


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a definition file, at a 1-based line."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class QuestionnaireError(ValueError):
    """A definition could not be loaded; ``problems`` lists every mistake found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def load(path: str | os.PathLike) -> Questionnaire:
    """The validated questionnaire in ``path``; :class:`QuestionnaireError` if it has problems.

    Parameters
    ----------
    path : str or os.PathLike
        A YAML definition (format: ``questionnaires/README.md``).

    Returns
    -------
    Questionnaire
        Frozen and typed; ``content_hash`` is the SHA-256 of the file's bytes,
        which a wave pins.

    Raises
    ------
    QuestionnaireError
        With ``.problems``: every problem as ``file:line: message``.

    Examples
    --------
    >>> from questionnaires import SHIPPED
    >>> q = load(SHIPPED)
    >>> q.id, q.language_codes[:2], len(q.content_hash)
    ('kinderwelten', ('de', 'en'), 64)
    >>> q.scale("life_satisfaction").domain
    'wellbeing'
    """
    questionnaire, problems = _load(path)
    if problems or questionnaire is None:
        raise QuestionnaireError(problems)
    return questionnaire


def validate(path: str | os.PathLike) -> list[Problem]:
    """Every problem of the definition in ``path`` (empty if it loads); never raises for content.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    list of Problem
        ``Problem(file, line, message)``; ``str(problem)`` is ``file:line: message``.
        Line 0 means the file as a whole (missing, a directory, unreadable).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> broken = pathlib.Path(tempfile.mkdtemp()) / "broken.yaml"
    >>> _ = broken.write_text("id: demo\\nversion: one\\n", encoding="utf-8")
    >>> for problem in validate(broken)[-2:]:
    ...     print(problem.line, problem.message)
    1 (top level): missing field 'title'
    2 version: 'one' is not a version number: write it like "1.0" or "1.2.3"
    >>> validate(broken.with_name("missing.yaml"))[0].message
    'file not found'
    """
    return _load(path)[1]


def _load(path: str | os.PathLike) -> tuple[Questionnaire | None, list[Problem]]:
    name = os.fspath(path)

    def problem(line: int, message: str) -> list[Problem]:
        return [Problem(name, line, message)]

    try:
        raw = FsPath(path).read_bytes()
    except FileNotFoundError:
        return None, problem(0, "file not found")
    except IsADirectoryError:
        return None, problem(0, "is a directory, not a questionnaire file")
    except PermissionError:
        return None, problem(0, "no permission to read this file")
    except OSError as exc:
        return None, problem(0, f"cannot read the file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")  # tolerate the byte-order mark some editors write
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return None, problem(line, "the file is not UTF-8 text; save it as UTF-8")
    try:
        located = parse(text)
    except YamlError as exc:
        return None, problem(exc.line, exc.message)
    if located.data is None:
        return None, problem(1, "the file is empty")
    if not isinstance(located.data, dict):
        kind = "a list" if isinstance(located.data, list) else "a single value"
        return None, problem(1, f"the top level must be a mapping (id: ..., version: ...), "
                                f"not {kind}")
    return _validate(name, raw, located)


def _validate(name: str, raw: bytes, located: LocatedData
              ) -> tuple[Questionnaire | None, list[Problem]]:
    data = dict(located.data)
    if "content_hash" in data:
        line = located.line_of(("content_hash",))
        return None, [Problem(name, line, "remove 'content_hash': the loader computes it "
                                          "from the file")]
    data["content_hash"] = hashlib.sha256(raw).hexdigest()
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        return None, _problems(name, located, translate(exc))
    return questionnaire, _problems(name, located, find_problems(questionnaire))


def _problems(name: str, located: LocatedData, findings: list[Finding]) -> list[Problem]:
    """Findings located on their lines, sorted by line, each mistake once."""
    unique = {Problem(name, located.line_of(path), message) for path, message in findings}
    return sorted(unique)
