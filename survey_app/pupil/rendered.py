"""Answer options rendered once per page form, not once per page view.

A page of eleven rating questions has 55 answer options (with smiley
pictures); rendering each through a Jinja macro on every view was the
largest share of a page view (about 20,000 Python function calls). An
option's HTML depends only on the question, the option, the language and
whether it is the chosen one, and a page's form class is built once per
questionnaire, page, language and district list (see
:func:`~survey_app.pupil.form_builder.page_form`). So both versions of every
option, chosen and not, are rendered with the same ``option`` macro the first
time the form class is shown, kept on the class, and a view only picks one.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

_ATTRIBUTE = "_rendered_choices"
_QUESTIONS = "_rendered_questions"
_MACROS = "_rendered_macros"


@dataclass(frozen=True)
class RenderedChoices:
    """One choice question's options as HTML: ``(value, not chosen, chosen)`` each."""

    regular: tuple[tuple[str, Markup, Markup], ...]
    extra: tuple[tuple[str, Markup, Markup], ...]  # "prefer not to say", "don't know"

    def options(self, chosen: str | None) -> Markup:
        """The regular options, one after the other, ``chosen`` checked."""
        return Markup("").join(on if value == chosen else off for value, off, on in self.regular)

    def extras(self, chosen: str | None) -> list[Markup]:
        """Each set-apart option on its own, ``chosen`` checked."""
        return [on if value == chosen else off for value, off, on in self.extra]


def _render(option, name: str, item_type: str, choices, marker: str):
    return tuple((choice.value, option(name, item_type, choice, f"{marker}{index}", False),
                  option(name, item_type, choice, f"{marker}{index}", True))
                 for index, choice in enumerate(choices, start=1))


def rendered_choices(form, lang: str) -> dict[str, RenderedChoices]:
    """``{field name: RenderedChoices}`` of the choice questions of a page form.

    Rendered in ``lang``, the language the form class was built for, on
    the first view of the class, then reused by every view of that class.
    """
    form_class = type(form)
    found = form_class.__dict__.get(_ATTRIBUTE)
    if found is not None:
        return found
    macros = _macros(form_class, lang)
    found = {}
    for field in form.item_fields():
        if field.kind != "choice":
            continue
        regular = [c for c in field.choices if not c.extra]
        extra = [c for c in field.choices if c.extra]
        found[field.name] = RenderedChoices(
            _render(macros.option, field.name, field.item.type, regular, ""),
            _render(macros.option, field.name, field.item.type, extra, "x"))
    setattr(form_class, _ATTRIBUTE, found)
    return found


def _macros(form_class, lang: str):
    """The page macros with ``lang`` in their context, made once per form class."""
    module = form_class.__dict__.get(_MACROS)
    if module is None:
        module = current_app.jinja_env.get_template("pupil/_macros.html").make_module(
            {"lang": lang})
        setattr(form_class, _MACROS, module)
    return module


def kept_questions(form_class, data: dict, lang: str, missing, hidden) -> list[Markup] | None:
    """The questions' HTML from the form class's store alone, or ``None``.

    ``None`` when a question is not kept (not shown yet with this answer, or a
    number, text or district question, which are rendered each time): then a
    form must be made and :func:`rendered_questions` asked. Making the form
    (binding a field per question) was a tenth of showing a page (issue 12),
    and most pages are choice questions seen before with the same answers.
    """
    cache = form_class.__dict__.get(_QUESTIONS)
    unbound = getattr(form_class, "_unbound_fields", None)
    if cache is None or not unbound:
        return None
    catalogue = str(get_locale())  # part of the key, as in rendered_questions
    shown = []
    for name, field in unbound:
        item = field.kwargs.get("item")
        if item is None or item.code in hidden:
            continue
        # Only choice questions other than the district list are ever kept.
        html = cache.get((name, data.get(name), item.code in missing, catalogue))
        if html is None:
            return None
        shown.append(html)
    return shown


def rendered_questions(form, lang: str, missing, district_map, hidden) -> list[Markup]:
    """The HTML of every question of a page form that is not ``hidden``, in page order.

    A choice question's HTML depends only on its form class (question,
    options, language), the chosen value and whether it is marked as missing;
    it is rendered with the ``question`` macro the first time that
    combination is shown and kept on the form class (at most options + 1
    values, twice). Number and text questions (what the pupil typed) and the
    district question (its map) are rendered each time.
    """
    form_class = type(form)
    cache = form_class.__dict__.get(_QUESTIONS)
    if cache is None:
        cache = {}
        setattr(form_class, _QUESTIONS, cache)
    choices = rendered_choices(form, lang)
    question = _macros(form_class, lang).question
    # The interface texts come from the request's catalogue: part of the key, so that a
    # request whose catalogue is not the form's language can never leave its texts here.
    catalogue = str(get_locale())
    shown = []
    for field in form.item_fields():
        code = field.item.code
        if code in hidden:
            continue
        if field.kind != "choice" or field.item.type == "wave_list":
            # The district question shows the wave's map, which the city can change
            # (a GeoJSON import) while the form class stays: rendered every time.
            shown.append(question(field, missing, district_map, choices.get(field.name)))
            continue
        key = (field.name, field.data, code in missing, catalogue)
        html = cache.get(key)
        if html is None:
            html = cache[key] = question(field, missing, district_map, choices.get(field.name))
        shown.append(html)
    return shown
