"""What the pupil pages need from a questionnaire definition, worked out once per definition.

A loaded definition never changes (its objects are frozen; a changed file
is loaded as a new object, see :mod:`survey_app.services.questionnaires`),
yet every page view and save used to walk it again: the display conditions
once for each navigation question (five times per page view, each time
rebuilding ``Questionnaire.items`` and a set of allowed values per item),
and each page's items for the stylesheet link. :func:`layout` keeps the
result for as long as the definition object is in use.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.questionnaire import Questionnaire


@dataclass(frozen=True)
class Layout:
    """A definition's display rules and pages, ready for the per-request questions."""

    #: ``(item code, item its condition names or None, answers that show it)``, in
    #: questionnaire order (conditions only point backwards, so one pass suffices).
    rules: tuple[tuple[str, str | None, frozenset[str]], ...]
    #: The item codes of each page (index 0 is page 1).
    page_codes: tuple[tuple[str, ...], ...]
    #: Whether a page has an item whose condition names an item of the same page
    #: (such a page links the condition stylesheet).
    page_styled: tuple[bool, ...]
    #: Whether a page asks for the district (so the wave's district list is read).
    page_districts: tuple[bool, ...]


def _build(questionnaire: Questionnaire) -> Layout:
    rules = tuple(
        (item.code, item.show_if.item if item.show_if else None,
         frozenset(str(v) for v in item.show_if.in_) if item.show_if else frozenset())
        for item in questionnaire.items)
    page_codes = tuple(tuple(item.code for item in page.items) for page in questionnaire.pages)
    page_styled = tuple(
        any(item.show_if is not None and item.show_if.item in codes for item in page.items)
        for page, codes in zip(questionnaire.pages, page_codes))
    page_districts = tuple(any(item.type == "wave_list" for item in page.items)
                           for page in questionnaire.pages)
    return Layout(rules, page_codes, page_styled, page_districts)


#: ``id(definition) -> (definition, layout)``; the definition is kept so that its id
#: cannot be reused by another object while the entry exists.
_LAYOUTS: dict[int, tuple[Questionnaire, Layout]] = {}
_MAX_LAYOUTS = 64


def layout(questionnaire: Questionnaire) -> Layout:
    """The :class:`Layout` of ``questionnaire``, built on first use."""
    entry = _LAYOUTS.get(id(questionnaire))
    if entry is not None and entry[0] is questionnaire:
        return entry[1]
    built = _build(questionnaire)
    if len(_LAYOUTS) >= _MAX_LAYOUTS:
        _LAYOUTS.clear()
    _LAYOUTS[id(questionnaire)] = (questionnaire, built)
    return built
