"""Reading a posted questionnaire page, refusing anything our pages cannot send.

A refused post raises :class:`~survey_app.pupil.current.Tampered` before
anything is written, so a tampered post stores nothing. The checks, in order:
the page exists and was reached, the post belongs to the session's response
and to this page, every field is one of the page's, no field is sent twice,
every value is valid for its item, and the button pressed is one the page
has. Nothing is read from the database here: the stored answers are read
once, under the write lock, by :func:`~survey_app.pupil.services.write_page`
(so "send" from a page that is not the last is refused by the view once it
knows them, before anything is committed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request
from flask_babel import gettext as _

from survey_app.pupil.current import Survey, Tampered, page_form_class
from survey_app.pupil.form_builder import PREFIX
from survey_app.pupil.texts import LANGUAGES

_CONTROL_FIELDS = {"csrf_token", "response_token", "page_id", "action"}


@dataclass
class PagePost:
    """A valid post: the page's answers (``None`` = no answer) and what to do next."""

    answers: dict[str, str | None]
    action: str
    language: str | None = None
    cleared: str | None = None
    #: ``{item code: (message, what was typed)}`` of numbers the pupil mistyped (not saved)
    mistakes: dict[str, tuple[str, str]] = field(default_factory=dict)


def _short(name: str) -> str:
    return name if len(name) <= 40 else name[:40] + "…"


def _check_envelope(survey: Survey, number: int) -> None:
    questionnaire = survey.questionnaire
    if not 1 <= number <= len(questionnaire.pages):
        raise Tampered(_("This page is not part of the questionnaire."))
    if number > survey.response.furthest_page + 1:
        raise Tampered(_("This page has not been reached yet."))
    if request.form.get("response_token") != str(survey.response.id):
        raise Tampered(_("This form belongs to another survey than the one you are taking."))
    if request.form.get("page_id") != questionnaire.pages[number - 1].id:
        raise Tampered(_("This form belongs to another page."))


def read_page_post(survey: Survey, number: int) -> PagePost:
    """Validate the posted page ``number``; raise ``Tampered`` with a reason."""
    _check_envelope(survey, number)
    questionnaire = survey.questionnaire
    page = questionnaire.pages[number - 1]
    allowed = _CONTROL_FIELDS | {PREFIX + item.code for item in page.items}
    unknown = sorted(set(request.form) - allowed)
    if unknown:
        raise Tampered(_("This form contains questions that are not on this page: %(names)s",
                         names=", ".join(_short(n) for n in unknown[:5])))
    repeated = sorted(k for k in request.form if len(request.form.getlist(k)) > 1)
    if repeated:
        raise Tampered(_("This form sends more than one answer for: %(names)s",
                         names=", ".join(repeated[:5])))
    form_class, _district_map = page_form_class(survey, number)
    form = form_class()
    mistakes = {}
    if not form.validate():
        problems = []
        for answer_field in form:
            if getattr(answer_field, "mistake", None):  # the pupil's typing: shown, not refused
                mistakes[answer_field.name[len(PREFIX):]] = (answer_field.mistake,
                                                             answer_field.typed or "")
                continue
            for error in answer_field.errors:
                label = (answer_field.label.text if answer_field.name.startswith(PREFIX)
                         else answer_field.name)
                problems.append(f"{_short(label)}: {error}")
        if problems:
            raise Tampered(_("This form could not be saved: %(problems)s",
                             problems="; ".join(problems[:5])))
    answers = {code: value for code, value in form.answers().items() if code not in mistakes}
    action = form.action.data or "next"
    post = PagePost(answers=answers, action=action, mistakes=mistakes)
    kind, _sep, target = action.partition(":")
    if kind == "lang":
        if target not in LANGUAGES:
            raise Tampered(_("This language is not offered."))
        post.action, post.language = "lang", target
    elif kind == "clear":
        if target not in answers and target not in mistakes:
            raise Tampered(_("This question is not on this page."))
        post.action, post.cleared = "clear", target
        mistakes.pop(target, None)
        answers[target] = None
    return post
