"""The pupil's current survey, language and page, as the views need them.

This is the only module of the pupil package besides the views that reads the
request's session; the services get plain values from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import re

from flask import current_app, session, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import bindparam, select

from analysis.questionnaire import Questionnaire
from survey_app.extensions import db
from survey_app.i18n import select_locale
from survey_app.models import Response, Wave
from survey_app.pupil.districts import wave_district_list
from survey_app.pupil.form_builder import PREFIX, page_form
from survey_app.pupil.layout import layout
from survey_app.pupil.navigation import Route
from survey_app.pupil.rendered import kept_questions, rendered_questions
from survey_app.pupil.write_guard import LockedResponse, lock_response
from survey_app.services import questionnaires


class Tampered(Exception):
    """A post that no page of ours produces; answered with 400 and a message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Survey:
    """The session's response with its wave and questionnaire."""

    response: Response
    wave: Wave
    questionnaire: Questionnaire
    #: Set when the response was locked for a write (:func:`load_survey` ``for_writing``).
    locked: LockedResponse | None = None


#: Every pupil request starts here: the response and its wave in one query, built once.
_SURVEY = select(Response, Wave).join(Wave, Wave.id == Response.wave_id).where(
    Response.id == bindparam("response_id"))


def current_language() -> str:
    """The interface language the pupil chose (German until they choose)."""
    return select_locale()


def set_language(lang: str) -> None:
    """Remember the pupil's language for the following pages."""
    session["lang"] = lang


def begin_pupil_session(response_id: int, language: str) -> None:
    """A new session for the pupil who entered a code: their response and language only.

    Whatever the device's session held before (another pupil's response, a
    pause) is gone, except the device's CSRF token: the assent page that
    answers the code carries it (as do its other forms), and a browser
    without JavaScript that reloads that page posts the code form again with
    it, which then resumes instead of failing as a stale form.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = session.get(field)
    session.clear()
    if token is not None:
        session[field] = token
    session["response_id"] = response_id
    session["lang"] = language


def load_survey(for_writing: bool = False) -> Survey | None:
    """The session's survey, or ``None`` when the pupil has not entered a code.

    ``for_writing`` (a page save): the response is read locked, with its
    code, class and wave states (:func:`~survey_app.pupil.write_guard.lock_response`),
    and the save writes on that lock; so a save reads the response once.
    """
    response_id = session.get("response_id")
    if not isinstance(response_id, int):
        return None
    if for_writing:
        locked = lock_response(db.session, response_id)
        return None if locked.response is None else survey_of(locked.response, locked.wave,
                                                              locked)
    row = db.session.execute(_SURVEY, {"response_id": response_id}).one_or_none()
    return None if row is None else survey_of(*row)


def survey_of(response: Response, wave: Wave, locked: LockedResponse | None = None) -> Survey:
    """The survey of a response and its wave, both loaded: finds the questionnaire."""
    questionnaire = questionnaires.find(
        wave.questionnaire_id, wave.questionnaire_version, wave.questionnaire_hash,
        current_app.config.get("QUESTIONNAIRE_DIRS"),
    )
    return Survey(response, wave, questionnaire, locked)


#: Where the app keeps the drawn district lists (:func:`wave_district_list`).
_DISTRICT_LISTS = "survey_app.district_lists"


def page_form_class(survey: Survey, number: int, with_map: bool = False):
    """The form class of page ``number`` in the pupil's language, and (to show it) the map."""
    page = survey.questionnaire.pages[number - 1]
    if not layout(survey.questionnaire).page_districts[number - 1]:
        return page_form(survey.questionnaire, page, current_language()), None
    districts = wave_district_list(db.session, survey.wave,
                                   current_app.extensions.setdefault(_DISTRICT_LISTS, {}))
    form_class = page_form(survey.questionnaire, page, current_language(), districts.choices)
    return form_class, (districts.map if with_map else None)


def condition_css(page) -> Markup:
    """CSS that shows an item only while the answer it depends on (same page) is chosen.

    Works without JavaScript (``:has``); the server still drops answers to
    items whose condition does not hold when the page is saved. Served as a
    stylesheet (:func:`condition_stylesheet`), never inline: the
    Content-Security-Policy allows no inline style.
    """
    on_page = {item.code for item in page.items}
    rules = []
    for item in page.items:
        condition = item.show_if
        if condition is None or condition.item not in on_page:
            continue
        values = [re.sub(r"[^A-Za-z0-9_-]", "", str(v)) for v in condition.in_]
        checked = ", ".join(f'[name="{PREFIX}{condition.item}"][value="{v}"]:checked'
                            for v in values)
        rules.append(f"#page-form:not(:has({checked})) #q-{item.code} {{ display: none; }}")
    return Markup("\n".join(rules))


def condition_stylesheet(questionnaire: Questionnaire) -> str:
    """The conditional-display rules of every page of a questionnaire, as one stylesheet.

    Item ids (``#q-<code>``) are unique in a questionnaire, so one page's rules
    never touch another page's items.
    """
    rules = [str(condition_css(page)) for page in questionnaire.pages]
    return "\n".join(rule for rule in rules if rule) + "\n"


def page_context(survey: Survey, number: int, answers: dict[str, str], route: Route,
                 missing: set[str], mistakes: dict[str, tuple[str, str]] | None = None) -> dict:
    """Everything ``pupil/page.html`` needs to show page ``number``.

    ``route`` is the way through the questionnaire for ``answers``.
    ``mistakes`` (``{item code: (message, typed text)}``) are numbers the
    pupil mistyped: shown again as typed, with the message beside them.
    """
    questionnaire = survey.questionnaire
    page = questionnaire.pages[number - 1]
    form_class, map_ = page_form_class(survey, number, with_map=True)
    data = {PREFIX + item.code: answers.get(item.code) for item in page.items}
    on_page = {item.code for item in page.items}
    hidden = {item.code for item in page.items
              if item.code not in route.shown and not (
                  item.show_if and item.show_if.item in on_page)}
    lang = current_language()
    questions = None if mistakes else kept_questions(form_class, data, lang, missing, hidden)
    form = None
    if questions is None:
        form = form_class(formdata=None, data=data)
        for code, (message, typed) in (mistakes or {}).items():
            form[PREFIX + code].mistake, form[PREFIX + code].typed = message, typed
        questions = rendered_questions(form, lang, missing, map_, hidden)
    return {
        "form_class": form_class,
        "form": form,  # None when every question was kept on the form class
        "csrf_value": generate_csrf(),
        "response_value": str(survey.response.id),
        "questions": questions,
        "page": page,
        "number": number,
        "total": len(questionnaire.pages),
        "questionnaire": questionnaire,
        "condition_css": url_for("pupil.condition_styles", v=questionnaire.content_hash[:16])
        if layout(questionnaire).page_styled[number - 1] else None,
        "missing": missing,
        "mistakes": [(form[PREFIX + code].label.text, code) for code in (mistakes or {})],
        "is_last": route.after(number) is None,
        "has_previous": route.before(number) is not None,
    }
