"""Display conditions (``show_if``), evaluated on the server.

An item is shown when the item its condition names is itself shown and was
answered with one of the listed values. Conditions only point at earlier
items (the loader checks this), so one pass in questionnaire order suffices;
the rules come ready from :func:`~survey_app.pupil.layout.layout`.
"""

from __future__ import annotations

from typing import Mapping

from analysis.questionnaire import Questionnaire
from survey_app.pupil.layout import layout


def visible_items(questionnaire: Questionnaire, answers: Mapping[str, str]) -> set[str]:
    """Codes of every item shown, given the answers (values as stored strings)."""
    shown: set[str] = set()
    for code, depends_on, values in layout(questionnaire).rules:
        if depends_on is None or (depends_on in shown and answers.get(depends_on) in values):
            shown.add(code)
    return shown


def hidden_answered(questionnaire: Questionnaire, answers: Mapping[str, str]) -> set[str]:
    """Codes of answered items that their conditions now hide (to be removed)."""
    return set(answers) - visible_items(questionnaire, answers)
