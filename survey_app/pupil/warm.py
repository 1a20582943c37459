"""Prepare the pupil pages of every open wave once, in the server's master process.

``wellbeing serve`` loads the app in its master process and forks the workers
from it. What a worker would otherwise build on its first requests (the
questionnaire parsed from YAML, its layout, the compiled templates, each
page's form class and its answer options rendered in every language; see
:mod:`survey_app.pupil.form_builder` and :mod:`survey_app.pupil.rendered`) is
built here once, before the fork: every worker starts with it, a worker that
is replaced (or a server restarted after a crash, in the middle of a lesson)
answers at full speed at once, and the workers share those pages of memory
until they write to them.

Rendering a page here changes nothing in the database: the response is a
transient object that is never added to a session.
"""

from __future__ import annotations

import logging
import time

from flask import session
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Response, Wave
from survey_app.pupil import navigation
from survey_app.pupil.current import Survey, page_context
from survey_app.pupil.page_shell import render_page
from survey_app.pupil.texts import LANGUAGES
from survey_app.services import questionnaires

log = logging.getLogger(__name__)


def warm_pupil_pages(app, budget_seconds: float = 10.0) -> int:
    """Render every page of every open wave's questionnaire in every language; count them.

    A wave whose questionnaire file is missing or changed is skipped (its
    pupils get the usual message); nothing here can stop the server starting.
    After ``budget_seconds`` (a county with many open waves) the remaining
    waves are left to the workers' first requests, so that a restart during
    a survey morning never waits long for this.
    """
    rendered, stop_at = 0, time.monotonic() + budget_seconds
    with app.app_context():
        waves = list(db.session.scalars(select(Wave).where(Wave.state == "open")
                                        .order_by(Wave.id.desc())))
        for wave in waves:
            if time.monotonic() > stop_at:
                log.info("pupil pages of %d more open waves are prepared on first use",
                         len(waves) - waves.index(wave))
                break
            try:
                questionnaire = questionnaires.find(
                    wave.questionnaire_id, wave.questionnaire_version, wave.questionnaire_hash,
                    app.config.get("QUESTIONNAIRE_DIRS"))
            except questionnaires.QuestionnaireNotFound as missing:
                log.warning("not prepared: wave %s: %s", wave.id, missing)
                continue
            survey = Survey(Response(id=0, furthest_page=0, language="de"), wave, questionnaire)
            for lang in LANGUAGES:
                rendered += _render_pages(app, survey, lang)
        db.session.remove()
        db.engine.dispose()  # the workers open their own connections after the fork
    return rendered


def _render_pages(app, survey: Survey, lang: str) -> int:
    route = navigation.route(survey.questionnaire, {})
    count = 0
    with app.test_request_context("/survey"):
        session["lang"] = lang
        for number in range(1, len(survey.questionnaire.pages) + 1):
            context = page_context(survey, number, {}, route, set())
            render_page(context)
            count += 1
    return count
