"""A questionnaire page rendered once as a shell and filled in for each request.

Once the choice questions came ready-made from :mod:`~survey_app.pupil.rendered`,
most of what was left of showing a page was the page template itself: the
layout, the language bar, the buttons, about 2 ms of every page save's Python
(issue 12). Its output depends on the request only through the CSRF token,
the response token and the questions' HTML; the rest (title, progress,
buttons, language bar, stylesheets) depends on the page form, on whether the
page has a page before and after it on the pupil's route, and on the
language. So the template is rendered once per such combination with markers
in place of those three values, split at the markers, and kept on the form
class (which is built once per questionnaire, page, language and district
list: :func:`~survey_app.pupil.form_builder.page_form`); showing a page joins
the pieces with this request's values.

A page with something only this request has (a missing-answer or mistyped
number message, a flashed message) is rendered by the template as before.
"""

from __future__ import annotations

import secrets

from flask import render_template, session
from flask_babel import get_locale
from markupsafe import Markup, escape

TEMPLATE = "pupil/page.html"
_SHELLS = "_page_shells"
#: Stand-ins for the request's values while a shell is rendered; random, so that no
#: text of a questionnaire can contain them.
_MARKERS = tuple(f"shell{secrets.token_hex(12)}{name}" for name in ("csrf", "response", "q"))


def render_page(context: dict) -> str:
    """The HTML of ``pupil/page.html`` for ``context`` (as :func:`page_context` makes it).

    Equal to ``render_template("pupil/page.html", **context)``; from the
    form class's shell whenever the page shows nothing particular to this
    request.
    """
    if context["missing"] or context["mistakes"] or session.get("_flashes"):
        return render_template(TEMPLATE, **context)
    shell = _shell(context)
    if shell is None:
        return render_template(TEMPLATE, **context)
    before_csrf, before_response, before_questions, after = shell
    questions = Markup("\n").join(context["questions"])
    return "".join((before_csrf, escape(context["csrf_value"]), before_response,
                    escape(context["response_value"]), before_questions, questions, after))


def _shell(context: dict) -> tuple[str, str, str, str] | None:
    form_class = context["form_class"]
    shells = form_class.__dict__.get(_SHELLS)
    if shells is None:
        shells = {}
        setattr(form_class, _SHELLS, shells)
    # The stylesheet link and the page number follow from the form class (one per
    # page); the route position and the language do not.
    key = (context["is_last"], context["has_previous"], str(get_locale()))
    if key not in shells:
        shells[key] = _split(render_template(TEMPLATE, **{
            **context, "csrf_value": _MARKERS[0], "response_value": _MARKERS[1],
            "questions": [Markup(_MARKERS[2])]}))
    return shells[key]


def _split(html: str) -> tuple[str, str, str, str] | None:
    """The page cut at the three markers, or ``None`` unless each is there once, in order
    (then every view of this combination is rendered by the template)."""
    if any(html.count(marker) != 1 for marker in _MARKERS):
        return None
    first, rest = html.split(_MARKERS[0])
    if _MARKERS[1] not in rest:
        return None
    second, rest = rest.split(_MARKERS[1])
    if _MARKERS[2] not in rest:
        return None
    third, fourth = rest.split(_MARKERS[2])
    return first, second, third, fourth
