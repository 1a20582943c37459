"""The dependency audit that .ci/run runs while pip-audit's sources do not answer (issue 12)."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import urllib.error
from importlib import metadata
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "audit_dependencies.py"


@pytest.fixture(scope="module")
def audit_module():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def project(version, vulnerabilities=(), requires_python=None):
    return {"info": {"version": version, "requires_python": requires_python},
            "vulnerabilities": list(vulnerabilities)}


FLASK_HOLE = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001"], "fixed_in": ["3.1.4"],
              "link": "https://osv.dev/vulnerability/PYSEC-2099-1", "withdrawn": None}


def run(audit_module, packages, projects):
    out = io.StringIO()
    status = audit_module.report(audit_module.audit(packages, projects.get), out=out)
    return status, out.getvalue()


def test_a_known_vulnerability_of_the_installed_release_fails_the_audit(audit_module):
    status, text = run(audit_module, {"flask": "3.1.3", "jinja2": "3.1.6"},
                       {"flask": project("3.1.3", [FLASK_HOLE]), "jinja2": project("3.1.6")})
    assert status == 1
    assert "VULNERABLE flask 3.1.3: PYSEC-2099-1 (CVE-2099-0001), fixed in: 3.1.4" in text
    assert "jinja2" not in text
    assert "2 of 2 packages checked at their installed version: 1 with a known vulnerability" in text


def test_withdrawn_advisories_do_not_count(audit_module):
    withdrawn = {**FLASK_HOLE, "withdrawn": "2099-02-01T00:00:00Z"}
    status, text = run(audit_module, {"flask": "3.1.3"}, {"flask": project("3.1.3", [withdrawn])})
    assert status == 0 and "VULNERABLE" not in text


def test_a_package_held_below_its_newest_release_is_reported_unchecked(audit_module):
    # The newest release's list says nothing of the installed one: neither its holes nor its fixes.
    status, text = run(audit_module, {"numpy": "2.4.6", "pip": "23.2.1"},
                       {"numpy": project("2.5.5", [FLASK_HOLE], requires_python=">=99"),
                        "pip": project("26.3", requires_python=">=3.0")})
    assert status == 0 and "VULNERABLE" not in text
    assert ("unchecked  numpy 2.4.6: PyPI lists vulnerabilities only for the newest release "
            "(2.5.5, which needs Python >=99)") in text
    assert "unchecked  pip 23.2.1: PyPI lists vulnerabilities only for the newest release (26.3)\n" in text
    assert "0 of 2 packages checked" in text and "2 unchecked" in text


def test_a_package_pypi_does_not_know_is_reported_unchecked(audit_module):
    status, text = run(audit_module, {"private-thing": "1.0"}, {})
    assert status == 0 and "unchecked  private-thing 1.0: not on PyPI" in text


def test_equal_versions_in_other_spellings_are_checked(audit_module):
    status, _ = run(audit_module, {"thing": "2.0"}, {"thing": project("2.0.0", [FLASK_HOLE])})
    assert status == 1


def test_editable_installs_are_left_out(audit_module, tmp_path):
    def distribution(name, editable):
        info = tmp_path / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
        if editable is not None:
            (info / "direct_url.json").write_text(
                json.dumps({"url": "file:///src", "dir_info": {"editable": editable}}))
        return metadata.PathDistribution(info)

    found = audit_module.installed_packages(
        [distribution("Our_Project", True), distribution("Flask", None), distribution("local-wheel", False)])
    assert found == {"flask": "1.0", "local-wheel": "1.0"}


class Answer(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def opener_from(*outcomes):
    asked = []

    def opener(url, timeout):
        asked.append(url)
        outcome = outcomes[len(asked) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return Answer(json.dumps(outcome).encode())

    opener.asked = asked
    return opener


def http_error(code):
    return urllib.error.HTTPError("https://pypi.org/", code, "status", {}, None)


def test_fetching_retries_until_pypi_answers(audit_module, monkeypatch):
    monkeypatch.setattr(audit_module.time, "sleep", lambda seconds: None)
    opener = opener_from(http_error(503), urllib.error.URLError("reset"), project("1.0"))
    assert audit_module.fetch_project("Flask", opener=opener) == project("1.0")
    assert opener.asked == ["https://pypi.org/pypi/Flask/json"] * 3


def test_an_unknown_project_is_none_and_not_retried(audit_module):
    opener = opener_from(http_error(404))
    assert audit_module.fetch_project("nothing", opener=opener) is None
    assert len(opener.asked) == 1


def test_when_pypi_does_not_answer_the_audit_says_so_and_exits_2(audit_module, monkeypatch, capsys):
    monkeypatch.setattr(audit_module.time, "sleep", lambda seconds: None)
    with pytest.raises(LookupError, match="PyPI did not answer for flask"):
        audit_module.fetch_project("flask", opener=opener_from(*[urllib.error.URLError("down")] * 3))

    def no_answer(name):
        raise LookupError(f"PyPI did not answer for {name}: down")

    monkeypatch.setattr(audit_module, "fetch_project", no_answer)
    assert audit_module.main() == 2
    assert "error: PyPI did not answer for" in capsys.readouterr().err
