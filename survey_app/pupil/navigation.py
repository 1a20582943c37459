"""Moving between pages: pages whose every item is hidden are skipped.

Page numbers are 1-based, as shown to the pupil ("page 4 of 15"). A request
that asks several questions (is this page shown, which is next, which is
before) works them out from one :class:`Route`, so the display conditions
are evaluated once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from analysis.questionnaire import Questionnaire
from survey_app.pupil.conditions import visible_items
from survey_app.pupil.layout import layout


@dataclass(frozen=True)
class Route:
    """The items and pages a pupil sees, given their answers."""

    shown: frozenset[str]
    pages: tuple[int, ...]  # numbers of the pages with at least one item shown

    def first_from(self, start: int) -> int:
        """The first shown page at or after ``start`` (the last shown page if none)."""
        later = [n for n in self.pages if n >= start]
        return later[0] if later else self.pages[-1]

    def after(self, number: int) -> int | None:
        """The shown page after ``number``, or ``None`` on the last one."""
        return next((n for n in self.pages if n > number), None)

    def before(self, number: int) -> int | None:
        """The shown page before ``number``, or ``None`` on the first one."""
        earlier = [n for n in self.pages if n < number]
        return earlier[-1] if earlier else None


def route(questionnaire: Questionnaire, answers: Mapping[str, str]) -> Route:
    """The :class:`Route` through ``questionnaire`` for ``answers``."""
    shown = frozenset(visible_items(questionnaire, answers))
    pages = tuple(number for number, codes in enumerate(layout(questionnaire).page_codes, 1)
                  if any(code in shown for code in codes))
    return Route(shown, pages)


def shown_pages(questionnaire: Questionnaire, answers: Mapping[str, str]) -> list[int]:
    """Numbers of the pages with at least one item shown."""
    return list(route(questionnaire, answers).pages)


def first_shown(questionnaire: Questionnaire, answers: Mapping[str, str], start: int) -> int:
    """The first shown page at or after ``start`` (the last shown page if none)."""
    return route(questionnaire, answers).first_from(start)


def next_page(questionnaire: Questionnaire, answers: Mapping[str, str], number: int) -> int | None:
    """The shown page after ``number``, or ``None`` on the last one."""
    return route(questionnaire, answers).after(number)


def previous_page(questionnaire: Questionnaire, answers: Mapping[str, str],
                  number: int) -> int | None:
    """The shown page before ``number``, or ``None`` on the first one."""
    return route(questionnaire, answers).before(number)
