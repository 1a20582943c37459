"""``wellbeing questionnaire validate`` refuses ``true``/``false`` where a number belongs.

``bool`` is an ``int`` in Python, so ``value: true`` used to load as the
answer value 1 without a word; each case is small.yaml with one such edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from survey_app.cli import main

SMALL = Path(__file__).parents[1] / "questionnaire" / "files" / "small.yaml"

CASES = [
    ("option-value", "      - {value: 0, label: {de: Nein", "      - {value: true, label: {de: Nein",
     "value: true", "answer_scales[1].options[1].value: must be a whole number, not 'true'"),
    ("prefer-not-to-say", "prefer_not_to_say: {value: 99,", "prefer_not_to_say: {value: false,",
     "value: false", "answer_scales[0].prefer_not_to_say.value: must be a whole number, not 'false'"),
    ("grades", "grades: [5, 10]", "grades: [true, 10]", "grades:",
     "grades[0]: must be a whole number, not 'true'"),
    ("condition", "in: [1]}", "in: [true]}", "in: [true]",
     "show_if.in[0]: must be an answer value (a whole number or a text), not true or false"),
]


@pytest.mark.parametrize("old, new, marker, message", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_a_boolean_is_not_a_number(tmp_path, old, new, marker, message):
    text = SMALL.read_text("utf-8")
    assert text.count(old) >= 1
    broken = text.replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(broken, "utf-8")
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if marker in row)
    result = CliRunner().invoke(main, ["questionnaire", "validate", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}: " in result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_whole_numbers_still_load(tmp_path):
    result = CliRunner().invoke(main, ["questionnaire", "validate", str(SMALL)])
    assert result.exit_code == 0, result.output
