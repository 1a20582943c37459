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
from markupsafe import Markup

_ATTRIBUTE = "_rendered_choices"


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
    macros = current_app.jinja_env.get_template("pupil/_macros.html").make_module(
        {"lang": lang})
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
