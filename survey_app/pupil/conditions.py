"""Display conditions (``show_if``), evaluated on the server.

An item is shown when the item its condition names is itself shown and was
answered with one of the listed values. Conditions only point at earlier
items (the loader checks this), so one pass in questionnaire order suffices.
"""

from __future__ import annotations

from typing import Mapping

from analysis.questionnaire import Questionnaire


def visible_items(questionnaire: Questionnaire, answers: Mapping[str, str]) -> set[str]:
    """Codes of every item shown, given the answers (values as stored strings)."""
    shown: set[str] = set()
    for item in questionnaire.items:
        condition = item.show_if
        if condition is None or (
            condition.item in shown
            and answers.get(condition.item) in {str(v) for v in condition.in_}
        ):
            shown.add(item.code)
    return shown


def hidden_answered(questionnaire: Questionnaire, answers: Mapping[str, str]) -> set[str]:
    """Codes of answered items that their conditions now hide (to be removed)."""
    return set(answers) - visible_items(questionnaire, answers)
