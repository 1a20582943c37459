"""A wave's pinned definition is found fast, and a changed or removed file is still refused."""

from __future__ import annotations

import os
import shutil

import pytest

from analysis.questionnaire import load
from survey_app.services import questionnaires
from survey_app.services.questionnaires import QuestionnaireNotFound, find
from tests.conftest import FILES


def test_a_found_definition_is_checked_again_on_every_lookup(tmp_path):
    path = tmp_path / "small.yaml"
    shutil.copy(FILES / "small.yaml", path)
    pinned = load(path)
    key = (pinned.id, pinned.version, pinned.content_hash, str(tmp_path))
    assert find(*key).content_hash == pinned.content_hash
    assert questionnaires._FOUND[key] == path  # remembered: no folder listing next time
    assert find(*key) is find(*key)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n# edited after the wave was set up\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    with pytest.raises(QuestionnaireNotFound, match="changed"):
        find(*key)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2 * 10**9))
    assert find(*key).content_hash == pinned.content_hash
    path.unlink()
    with pytest.raises(QuestionnaireNotFound, match="not installed"):
        find(*key)
