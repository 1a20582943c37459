"""Help texts stand on their own: no pointers into the design document."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from survey_app.cli import main


@pytest.mark.parametrize("command", [
    ["analyse"], ["score"], ["simulate"], ["export", "responses"], ["export", "enrolment"],
])
def test_help_does_not_point_into_the_design_document(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert not re.search(r"design\s+(section|§)|§\s*\d|section\s+\d", result.output, re.I), \
        result.output


def test_analyse_help_says_what_it_writes_and_offers_the_submitted_choice():
    result = CliRunner().invoke(main, ["analyse", "--help"])
    assert "--submitted-only / --include-unsubmitted" in result.output
    assert "confidence interval" in result.output
