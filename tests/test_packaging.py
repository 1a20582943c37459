"""The wheel a city installs in production holds everything the app reads at run time.

``docs/deployment.md`` installs the product with ``pip install`` from a checkout
or a built wheel, not editable: a template, a translation catalogue, a
questionnaire or a migration left out of the wheel would work in every test
(which run from the checkout) and fail only on the city's server. The wheel is
built from the tracked files alone, as from a clean clone.
"""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Tracked files the installed app reads, by where they live in the checkout.
RUNTIME = ("survey_app/templates/", "survey_app/static/", "survey_app/translations/",
           "survey_app/services/", "questionnaires/", "migrations/")


def _tracked() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    source = tmp_path_factory.mktemp("checkout")
    for name in _tracked():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "-w", str(out), str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    (path,) = out.glob("*.whl")
    with zipfile.ZipFile(path) as opened:
        yield opened


@pytest.mark.slow
def test_wheel_holds_every_file_the_app_reads(wheel):
    names = set(wheel.namelist())
    wanted = [name for name in _tracked() if name.startswith(RUNTIME)
              and not name.endswith(".po") and "__pycache__" not in name]
    assert any(name.endswith("messages.mo") for name in wanted)  # catalogues are tracked
    assert any(name.startswith("migrations/versions/") for name in wanted)
    missing = [name for name in wanted if name not in names]
    assert missing == []
    sources = [name for name in _tracked() if name.startswith(("survey_app/", "analysis/"))
               and name.endswith(".py")]
    assert [name for name in sources if name not in names] == []


@pytest.mark.slow
def test_wheel_states_its_licence(wheel):
    """An open-source release names its licence as an SPDX expression and ships its text."""
    meta_name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    meta = email.message_from_bytes(wheel.read(meta_name))
    assert meta["License-Expression"] == "AGPL-3.0-or-later"
    licence = next(n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE"))
    assert b"GNU AFFERO GENERAL PUBLIC LICENSE" in wheel.read(licence)
