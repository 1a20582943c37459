"""The pupil's survey as service functions: start, save a page, submit.

They take plain arguments (never the request), change rows and flush; the
view commits once. Every write path first calls
:func:`~survey_app.pupil.storage.lock_for_writing` and locks the row it changes
(:mod:`survey_app.pupil.write_guard`),
so that double clicks, two tabs and two devices with one code are serialised
instead of failing or duplicating.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Collection, Mapping

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from analysis.questionnaire import Questionnaire
from survey_app.models import AccessCode, Response, SchoolClass, Wave
from survey_app.pupil import navigation
from survey_app.pupil.conditions import visible_items
from survey_app.pupil.storage import (
    delete_answers,
    lock_for_writing,
    record_progress,
    stored_answers,
    upsert_answers,
)
from survey_app.pupil.write_guard import LockedResponse, SurveyClosed, refusal
from survey_app.services.access_codes import typed_digest
from survey_app.services.submitted_answers import join_answers


class StartRefused(Exception):
    """The code cannot start a survey; ``reason`` is a key for the message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AlreadySubmitted(Exception):
    """The response was submitted; it cannot be changed any more."""


class MissingAnswers(Exception):
    """Required questions are unanswered; ``page`` is the first page with one."""

    def __init__(self, page: int, codes: list[str]) -> None:
        super().__init__(f"required items unanswered: {', '.join(codes)}")
        self.page, self.codes = page, codes


#: The code a pupil typed, locked, with its class and wave: one query, built once.
_CODE_FOR_START = (
    select(AccessCode, SchoolClass, Wave)
    .join(SchoolClass, SchoolClass.id == AccessCode.class_id)
    .join(Wave, Wave.id == SchoolClass.wave_id)
    .where(AccessCode.code_hash == bindparam("digest"))
    .with_for_update(of=AccessCode)
    .execution_options(populate_existing=True)
)
_RESPONSE_OF_CODE = select(Response).where(Response.access_code_id == bindparam("code_id"))


def start_or_resume(session: Session, typed_code: str, language: str,
                    today: dt.date | None = None) -> tuple[Response, Wave]:
    """Return the response for a code, creating it on first use, and its wave.

    Reasons for refusal: ``unknown`` (also for malformed input, so that the
    message reveals nothing about which codes exist), ``used``, ``void``,
    ``closed`` (class or wave not open). The code is found and locked with
    its class and wave in one query; its response is read after the lock, so
    two devices starting with one code at once end with one response.
    """
    today = today or dt.date.today()
    lock_for_writing(session)
    digest = typed_digest(typed_code)
    row = None if digest is None else session.execute(
        _CODE_FOR_START, {"digest": digest}).one_or_none()
    if row is None:
        raise StartRefused("unknown")
    code, school_class, wave = row
    if code.state == "submitted":
        raise StartRefused("used")
    refused = refusal(code.state, school_class.state, wave.state, wave.opens_on, wave.closes_on,
                      today)
    if refused:
        raise StartRefused(refused)  # void, or closed
    response = session.scalar(_RESPONSE_OF_CODE, {"code_id": code.id})
    if response is None:
        response = Response(
            wave_id=wave.id, class_id=school_class.id, access_code_id=code.id,
            questionnaire_version=wave.questionnaire_version, language=language,
            started_on=today,
        )
        session.add(response)
        code.state = "started"
    session.flush()
    return response, wave


def missing_required(questionnaire: Questionnaire, answers: Mapping[str, str],
                     pages: range | None = None) -> list[tuple[int, str]]:
    """``(page number, item code)`` of required, shown, unanswered items."""
    shown = visible_items(questionnaire, answers)
    numbers = pages or range(1, len(questionnaire.pages) + 1)
    return [(number, item.code) for number in numbers
            for item in questionnaire.pages[number - 1].items
            if item.required and item.code in shown and item.code not in answers]


@dataclass
class SavedPage:
    """What a page save leaves: the response's answers and the route through them."""

    answers: dict[str, str]
    route: navigation.Route
    #: Required items of the page still unanswered (only asked when the pupil moves on).
    missing: set[str] = field(default_factory=set)


def write_page(session: Session, locked_response: LockedResponse,
               questionnaire: Questionnaire, page_number: int,
               answers: Mapping[str, str | None], *,
               language: str | None = None, moving_on: bool = False,
               mistakes: Collection[str] = ()) -> SavedPage:
    """Store the answers of one page of a response locked in this transaction: ``None``
    clears an answer.

    ``locked_response`` is what :func:`~survey_app.pupil.write_guard.lock_response`
    returned in this transaction (the pupil's page view locks before it reads
    the post, so that a save runs one query before its writes). Answers to
    items that a display condition hides (now, given these
    answers) are not stored, and earlier answers that became hidden are
    removed. ``moving_on`` (Next, Send): if every required item of the page
    is answered and nothing was mistyped (``mistakes``: item codes), the
    response records that the pupil passed this page (resume starts after
    it); otherwise :attr:`SavedPage.missing` says what is unanswered. The
    stored answers are read once, after the response is locked, so the save
    and everything decided from it see the same answers.
    """
    page = questionnaire.pages[page_number - 1]
    unknown = set(answers) - {item.code for item in page.items}
    if unknown:
        raise ValueError(f"not items of page {page.id}: {sorted(unknown)}")
    response = locked_response.response
    if response is None:
        raise LookupError("no such response")
    if response.status == "submitted":
        raise AlreadySubmitted()
    if locked_response.refusal:
        raise SurveyClosed(locked_response.refusal)
    response_id = response.id
    stored = stored_answers(session, response_id)
    merged = dict(stored)
    for code, value in answers.items():
        if value is None:
            merged.pop(code, None)
        else:
            merged[code] = value
    route = navigation.route(questionnaire, merged)
    final = {code: value for code, value in merged.items() if code in route.shown}
    upsert_answers(session, response_id,
                   {code: value for code, value in final.items() if stored.get(code) != value})
    delete_answers(session, response_id, set(stored) - set(final))
    saved = SavedPage(final, route)
    furthest = response.furthest_page
    if moving_on:
        saved.missing = {item.code for item in page.items
                         if item.required and item.code in route.shown
                         and item.code not in final} - set(mistakes)
        if not saved.missing and not mistakes:
            target = route.after(page_number)
            furthest = max(furthest, (target - 1) if target else page_number)
    record_progress(session, response, furthest, language or response.language)
    session.flush()
    return saved


#: The code of a submitted response becomes used; it is locked by
#: :func:`~survey_app.pupil.write_guard.lock_response`.
_CODE_USED = (update(AccessCode).where(AccessCode.id == bindparam("code_id"))
              .values(state="submitted").execution_options(synchronize_session="evaluate"))


def submit(session: Session, locked_response: LockedResponse, questionnaire: Questionnaire,
           answers: Mapping[str, str], today: dt.date | None = None) -> Response:
    """Mark the response submitted and its code used; submitting again changes nothing.

    ``locked_response``: what :func:`~survey_app.pupil.write_guard.lock_response`
    returned in this transaction; ``answers``: the response's stored answers as
    the last page's save in this transaction left them (:attr:`SavedPage.answers`).
    So "send" locks and reads once for the save and the submit together.
    """
    response, closed = locked_response.response, locked_response.refusal
    if response is None:
        raise LookupError("no such response")
    if response.status == "submitted":
        return response
    if closed:
        raise SurveyClosed(closed)
    missing = missing_required(questionnaire, answers)
    if missing:
        raise MissingAnswers(missing[0][0], [code for _, code in missing])
    today = today or dt.date.today()
    response.status = "submitted"
    response.submitted_on = max(today, response.started_on)
    response.furthest_page = len(questionnaire.pages)
    response.submitted_answers = join_answers(answers)  # final from now on: read by results
    session.execute(_CODE_USED, {"code_id": response.access_code_id})
    session.flush()
    return response


def resume_page(questionnaire: Questionnaire, response: Response,
                answers: Mapping[str, str]) -> int:
    """The page a returning pupil continues on: the first not yet passed."""
    return navigation.first_shown(questionnaire, answers, response.furthest_page + 1)
