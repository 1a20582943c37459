#!/usr/bin/env python3
"""Check the installed packages against PyPI's record of known vulnerabilities.

This stands in for ``pip-audit`` while neither of its data sources answers
from the CI machine: its PyPI service asks for each installed *version*
(``https://pypi.org/pypi/<name>/<version>/json``, answered 404 here) and its
OSV service asks ``api.osv.dev`` (does not resolve here). PyPI's per-project
document (``https://pypi.org/pypi/<name>/json``) does answer. It lists the
known vulnerabilities of the project's newest release, from the same OSV data
that pip-audit's PyPI service reads.

A fresh install takes the newest release of every unpinned dependency, so for
nearly every installed package that list is the list for the installed
version. A package held below its newest release (by another package's upper
bound, or because the newest needs a newer Python) cannot be checked this way:
it is reported as unchecked, never passed silently. Editable installs (the
project itself) are skipped, as ``pip-audit --skip-editable`` does.

Exit status: 0 when no checked package has a known vulnerability, 1 when one
has, 2 when PyPI could not be asked.

Usage (from the environment to check)::

    .venv/bin/python .ci/audit_dependencies.py
"""
from __future__ import annotations

import json
import platform
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PROJECT_URL = "https://pypi.org/pypi/{name}/json"

Fetch = Callable[[str], "dict | None"]


@dataclass(frozen=True)
class Verdict:
    """What PyPI's record says of one installed package."""

    name: str
    installed: str
    newest: str | None  # None: PyPI does not know the project
    vulnerabilities: tuple[str, ...] = ()
    newest_needs_python: str | None = None  # set when this Python cannot install the newest

    @property
    def checked(self) -> bool:
        """True when PyPI's list is the list for the installed version."""
        return self.newest is not None and _same_version(self.installed, self.newest)


def installed_packages(distributions: Iterable[metadata.Distribution] | None = None) -> dict[str, str]:
    """Name -> version of the installed distributions, editable installs left out."""
    found = {}
    for dist in metadata.distributions() if distributions is None else distributions:
        if _is_editable(dist):
            continue
        found[canonicalize_name(dist.metadata["Name"])] = dist.version
    return found


def fetch_project(name: str, attempts: int = 3, opener=urllib.request.urlopen) -> dict | None:
    """PyPI's per-project document, or None if PyPI does not know the project.

    Raises LookupError when PyPI does not answer after ``attempts`` tries.
    """
    problem: Exception | None = None
    for attempt in range(attempts):
        try:
            with opener(PROJECT_URL.format(name=name), timeout=30) as answer:
                return json.load(answer)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            problem = error
        except (urllib.error.URLError, OSError, ValueError) as error:
            problem = error
        if attempt + 1 < attempts:
            time.sleep(2**attempt)
    raise LookupError(f"PyPI did not answer for {name}: {problem}")


def judge(name: str, installed: str, project: dict | None) -> Verdict:
    """Read one project's record against the installed version."""
    if project is None:
        return Verdict(name, installed, None)
    newest = project["info"]["version"]
    if not _same_version(installed, newest):
        return Verdict(name, installed, newest, newest_needs_python=_python_bar(project))
    found = tuple(
        _describe(entry) for entry in project.get("vulnerabilities") or () if not entry.get("withdrawn")
    )
    return Verdict(name, installed, newest, found)


def audit(packages: dict[str, str], fetch: Fetch = fetch_project) -> list[Verdict]:
    """Judge every package, asking PyPI for several at once."""
    names = sorted(packages)
    with ThreadPoolExecutor(max_workers=8) as pool:
        projects = list(pool.map(fetch, names))
    return [judge(name, packages[name], project) for name, project in zip(names, projects)]


def report(verdicts: list[Verdict], out=sys.stdout) -> int:
    """Print what was found and return the exit status."""
    vulnerable = [v for v in verdicts if v.checked and v.vulnerabilities]
    held = [v for v in verdicts if v.newest is not None and not v.checked]
    unknown = [v for v in verdicts if v.newest is None]
    checked = [v for v in verdicts if v.checked]
    for verdict in vulnerable:
        for line in verdict.vulnerabilities:
            print(f"VULNERABLE {verdict.name} {verdict.installed}: {line}", file=out)
    for verdict in held:
        why = f", which needs Python {verdict.newest_needs_python}" if verdict.newest_needs_python else ""
        print(
            f"unchecked  {verdict.name} {verdict.installed}: PyPI lists vulnerabilities only for "
            f"the newest release ({verdict.newest}{why})",
            file=out,
        )
    for verdict in unknown:
        print(f"unchecked  {verdict.name} {verdict.installed}: not on PyPI", file=out)
    print(
        f"{len(checked)} of {len(verdicts)} packages checked at their installed version: "
        f"{len(vulnerable)} with a known vulnerability; {len(held) + len(unknown)} unchecked.",
        file=out,
    )
    return 1 if vulnerable else 0


def main() -> int:
    try:
        verdicts = audit(installed_packages(), fetch_project)
    except LookupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return report(verdicts)


def _is_editable(dist: metadata.Distribution) -> bool:
    text = dist.read_text("direct_url.json")
    if not text:
        return False
    try:
        return bool(json.loads(text).get("dir_info", {}).get("editable"))
    except (ValueError, AttributeError):
        return False


def _same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def _python_bar(project: dict) -> str | None:
    """The newest release's Python requirement, if the running Python does not meet it."""
    wanted = project["info"].get("requires_python")
    if not wanted:
        return None
    try:
        return None if SpecifierSet(wanted).contains(platform.python_version()) else wanted
    except InvalidSpecifier:
        return None


def _describe(entry: dict) -> str:
    aliases = ", ".join(entry.get("aliases") or ())
    also = f" ({aliases})" if aliases else ""
    fixed = ", ".join(entry.get("fixed_in") or ()) or "no fixed release"
    link = f"; {entry['link']}" if entry.get("link") else ""
    return f"{entry.get('id') or 'unnamed'}{also}, fixed in: {fixed}{link}"


if __name__ == "__main__":
    sys.exit(main())
