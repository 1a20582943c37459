"""Moving between pages: pages whose every item is hidden are skipped.

Page numbers are 1-based, as shown to the pupil ("page 4 of 15").
"""

from __future__ import annotations

from typing import Mapping

from analysis.questionnaire import Questionnaire
from survey_app.pupil.conditions import visible_items


def shown_pages(questionnaire: Questionnaire, answers: Mapping[str, str]) -> list[int]:
    """Numbers of the pages with at least one item shown."""
    shown = visible_items(questionnaire, answers)
    return [number for number, page in enumerate(questionnaire.pages, start=1)
            if any(item.code in shown for item in page.items)]


def first_shown(questionnaire: Questionnaire, answers: Mapping[str, str], start: int) -> int:
    """The first shown page at or after ``start`` (the last shown page if none)."""
    pages = shown_pages(questionnaire, answers)
    later = [n for n in pages if n >= start]
    return later[0] if later else pages[-1]


def next_page(questionnaire: Questionnaire, answers: Mapping[str, str], number: int) -> int | None:
    """The shown page after ``number``, or ``None`` on the last one."""
    later = [n for n in shown_pages(questionnaire, answers) if n > number]
    return later[0] if later else None


def previous_page(questionnaire: Questionnaire, answers: Mapping[str, str],
                  number: int) -> int | None:
    """The shown page before ``number``, or ``None`` on the first one."""
    earlier = [n for n in shown_pages(questionnaire, answers) if n < number]
    return earlier[-1] if earlier else None
