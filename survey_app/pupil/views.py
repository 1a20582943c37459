"""Views of the pupil flow: validate, call a service, commit once, redirect.

start (code) -> assent -> pages 1..n (Back / Next / language / pause) -> submit
-> thank-you. The pupil's session holds only the response id, the language
and whether the assent page was passed.
"""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from survey_app.extensions import db
from survey_app.pupil import bp, guessing, navigation
from survey_app.pupil.current import (
    Tampered,
    begin_pupil_session,
    condition_stylesheet,
    current_language,
    load_survey,
    page_context,
    set_language,
    survey_of,
)
from survey_app.pupil.forms import AssentForm, StartForm
from survey_app.pupil.messages import refusal_message
from survey_app.pupil.page_post import read_page_post
from survey_app.pupil.page_shell import render_page
from survey_app.pupil.services import (
    AlreadySubmitted,
    MissingAnswers,
    StartRefused,
    resume_page,
    start_or_resume,
    submit,
    write_page,
)
from survey_app.pupil.storage import commit_keeping_loaded, stored_answers
from survey_app.pupil.write_guard import SurveyClosed
from survey_app.pupil.texts import LANGUAGES
from survey_app.services.questionnaires import QuestionnaireNotFound


@bp.route("/", methods=["GET", "POST"])
@guessing.slowed_after_wrong_codes
def start():
    """Start page: a pupil enters the code from the slip and picks a language."""
    form = StartForm()
    if form.validate_on_submit():
        # A language picked on this device now wins; one kept from a pause does not.
        chosen = (session.get("lang") if session.get("lang") in LANGUAGES
                  and not session.get("lang_kept") else None)
        try:
            response, wave = start_or_resume(db.session, form.code.data,
                                             language=chosen or current_language())
            if chosen and response.language != chosen:
                response.language = chosen
        except StartRefused as refused:
            db.session.rollback()
            g.code_refused = True
            flash(refusal_message(refused.reason), "error")
            return render_template("pupil/start.html", form=form), 200
        commit_keeping_loaded(db.session())
        begin_pupil_session(response.id, response.language)  # resuming keeps the language
        survey = survey_of(response, wave)
        if _needs_assent(survey):
            # Answered with the assent page, not a redirect to it: one round trip less
            # for every pupil's start (issue 12). page_address.js shows its address.
            return _show_assent(survey), 200
        return redirect(_resume_address(survey), 303)
    return render_template("pupil/start.html", form=form)


@bp.route("/language/<code>")
def language(code: str):
    """Switch the interface language on pages without answers (start, assent, end)."""
    if code not in LANGUAGES:
        raise Tampered(_("This language is not offered."))
    set_language(code)
    session.pop("lang_kept", None)
    target = request.args.get("next", "pupil.start")
    if target not in ("pupil.start", "pupil.assent", "pupil.thanks", "pupil.paused"):
        target = "pupil.start"
    return redirect(url_for(target), 303)


@bp.route("/survey")
def resume():
    """Where a (returning) pupil goes: the assent page, or the first page not yet passed."""
    survey = load_survey()
    if survey is None:
        return redirect(url_for("pupil.start"))
    return redirect(_resume_address(survey))


def _needs_assent(survey) -> bool:
    """Whether the pupil has yet to pass the assent page (before the first page)."""
    return (survey.response.status != "submitted" and survey.response.furthest_page == 0
            and not session.get("assented"))


def _resume_address(survey) -> str:
    """Where the pupil goes on: the thank-you page, the assent page, or the first page
    not yet passed. The code redirects here directly, not through :func:`resume`."""
    if survey.response.status == "submitted":
        return url_for("pupil.thanks")
    if _needs_assent(survey):
        return url_for("pupil.assent")
    answers = stored_answers(db.session, survey.response.id)
    return url_for("pupil.page", number=resume_page(survey.questionnaire, survey.response,
                                                    answers))


@bp.route("/survey/assent", methods=["GET", "POST"])
def assent():
    """What the survey is about, in child-friendly words; the pupil agrees to start."""
    survey = load_survey()
    if survey is None:
        return redirect(url_for("pupil.start"))
    form = AssentForm()
    if form.validate_on_submit():
        session["assented"] = True
        if survey.response.status == "submitted":
            return redirect(url_for("pupil.thanks"), 303)
        # Answered with the page the pupil goes on with, not a redirect to it (as the
        # code is answered with this page): one round trip less for every start.
        answers = stored_answers(db.session, survey.response.id)
        return _show_page(survey, resume_page(survey.questionnaire, survey.response, answers),
                          answers=answers)
    return _show_assent(survey, form)


def _show_assent(survey, form: AssentForm | None = None) -> str:
    """The assent page; its language links lead back to it, also when it answers the code."""
    return render_template("pupil/assent.html", form=form or AssentForm(formdata=None),
                           survey=survey, shown_endpoint="pupil.assent")


@bp.route("/survey/page/<int:number>", methods=["GET", "POST"])
def page(number: int):
    """One page of the questionnaire: show it, or save it and move on."""
    survey = load_survey(for_writing=request.method == "POST")
    if survey is None:
        if request.method == "POST":
            flash(_("Your session has ended. Please enter your code again: "
                    "your answers are saved."), "error")
        return redirect(url_for("pupil.start"), 303)
    if survey.response.status == "submitted":
        return redirect(url_for("pupil.thanks"), 303)
    if request.method == "GET":
        return _show_page(survey, number)
    post = read_page_post(survey, number)
    language = post.language or current_language()
    try:
        saved = write_page(db.session, survey.locked, survey.questionnaire, number,
                           post.answers, language=language,
                           moving_on=post.action in ("next", "submit"), mistakes=post.mistakes)
    except AlreadySubmitted:
        db.session.rollback()
        return redirect(url_for("pupil.thanks"), 303)
    except SurveyClosed as closed:
        return _closed(closed)
    if post.action == "submit" and saved.route.after(number) is not None:
        raise Tampered(_("The survey can only be sent from its last page."))  # rolled back
    if saved.missing or (post.mistakes and post.action in ("next", "submit", "save")):
        commit_keeping_loaded(db.session())  # the rest is saved; pause and back never stop here
        return _show_page(survey, number, missing=saved.missing, mistakes=post.mistakes,
                          answers=saved.answers, route=saved.route)
    if post.action == "submit":
        try:
            submit(db.session, survey.locked, survey.questionnaire, saved.answers)
        except MissingAnswers as missing:
            db.session.commit()
            flash(_("Please answer the questions marked as required."), "error")
            return redirect(url_for("pupil.page", number=missing.page), 303)
        except SurveyClosed as closed:
            return _closed(closed)
        db.session.commit()
        return redirect(url_for("pupil.thanks"), 303)
    if post.action in _SHOWN_AT_ONCE:
        # The save answers with the page the button leads to, not a redirect to it:
        # a page save is one request (issue 12). page_address.js shows its address.
        target = _page_after(number, post.action, saved.route)
        if target is not None:
            commit_keeping_loaded(db.session())
            return _show_page(survey, target, answers=saved.answers, route=saved.route)
    db.session.commit()
    if post.language:
        set_language(post.language)
    return redirect(_after_save(survey, number, post), 303)


def _closed(closed: SurveyClosed):
    """The code was voided or the class or wave closed while the pupil answered.

    Nothing of this request is written (the transaction is rolled back), and
    the pupil's session ends: the code cannot continue.
    """
    db.session.rollback()
    session.clear()
    return render_template("pupil/closed.html", message=refusal_message(closed.reason)), 403


#: Buttons whose save is answered with the page they lead to (the others redirect:
#: "pause" and "send" leave the questionnaire, a language changes the request's
#: catalogue, "clear" jumps to the cleared question).
_SHOWN_AT_ONCE = ("next", "back", "save")


def _page_after(number: int, action: str, route: navigation.Route) -> int | None:
    """The questionnaire page ``action`` leads to from page ``number`` (``None``: the assent)."""
    if action == "back":
        return route.before(number)
    if action == "next":
        return route.after(number) or number
    return number


def _after_save(survey, number: int, post) -> str:
    """Where a button that does not answer with a page leads once the page is saved."""
    if post.action == "pause":
        language = survey.response.language
        session.clear()
        session["lang"] = language  # the pause page speaks the pupil's language
        session["lang_kept"] = True
        return url_for("pupil.paused")
    if post.action == "back":  # from the first page; others answer with the page (_page_after)
        return url_for("pupil.assent")
    anchor = f"q-{post.cleared}" if post.cleared else None
    return url_for("pupil.page", number=number, _anchor=anchor)


def _show_page(survey, number: int, missing: set[str] = frozenset(),
               mistakes: dict[str, tuple[str, str]] | None = None,
               answers: dict[str, str] | None = None, route: navigation.Route | None = None):
    """Render a page with the stored answers (GET, after a save, or after a required
    question was skipped).

    ``answers``: the response's answers if the caller has just read them,
    ``route``: the way through the questionnaire for them, if known.
    """
    if not 1 <= number <= len(survey.questionnaire.pages):
        return redirect(url_for("pupil.resume"))
    if answers is None:
        answers = stored_answers(db.session, survey.response.id)
    if route is None:
        route = navigation.route(survey.questionnaire, answers)
    reachable = route.first_from(survey.response.furthest_page + 1)  # as resume_page
    if number > max(reachable, survey.response.furthest_page + 1):
        return redirect(url_for("pupil.page", number=reachable))
    if number not in route.pages:  # every item hidden: go on to the next page
        return redirect(url_for("pupil.page", number=route.first_from(number)))
    context = page_context(survey, number, answers, route, missing, mistakes or {})
    return render_page(context), 200


@bp.route("/survey/conditions.css")
def condition_styles():
    """The stylesheet that shows or hides conditional items (no inline style: see CSP)."""
    survey = load_survey()
    css = condition_stylesheet(survey.questionnaire) if survey is not None else ""
    return css, 200, {"Content-Type": "text/css; charset=utf-8",
                      "Cache-Control": "private, max-age=3600"}


@bp.route("/survey/thanks")
def thanks():
    """The end: thank you, and where to get help if something worried the pupil."""
    survey = load_survey()
    if survey is None or survey.response.status != "submitted":
        return redirect(url_for("pupil.start"))
    return render_template("pupil/thanks.html", survey=survey,
                           help_text=_help_text(survey))


def _help_text(survey) -> str:
    """The configured help text; else the questionnaire's; else the built-in one."""
    configured = current_app.config.get("HELPLINE_TEXT")
    if configured:
        return configured
    end_help = survey.questionnaire.end_help or {}
    if current_language() in end_help:
        return end_help[current_language()]
    return _("If something in the survey worried you, you can talk to someone you trust, "
             "or call the children's helpline \"Nummer gegen Kummer\" on 116 111: free of "
             "charge, anonymous, Monday to Saturday from 2 to 8 pm.")


@bp.route("/survey/paused")
def paused():
    """After "pause": answers are saved; the same code continues later."""
    return render_template("pupil/paused.html")


@bp.errorhandler(Tampered)
def tampered(error: Tampered):
    """A post no browser of ours could send: refuse it, store nothing, say why."""
    db.session.rollback()
    return render_template("pupil/refused.html", message=error.message), 400


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError):
    """A form without a valid CSRF token: a stale page, or a post from elsewhere.

    Without a survey in the session, the pupil paused or ended it in another tab
    (or the device's session is gone): going back cannot help, the code can.
    """
    db.session.rollback()
    if "response_id" not in session:
        return render_template("pupil/refused.html", message=_(
            "Your survey was paused or ended on this device, so this page was not saved. "
            "Please enter your code again: you will go on where you stopped.")), 400
    return render_template("pupil/refused.html", message=_(
        "This page was open for too long or did not come from the survey. "
        "Please go back and try again.")), 400


@bp.errorhandler(QuestionnaireNotFound)
def questionnaire_missing(error: QuestionnaireNotFound):
    """The wave's questionnaire file is gone or was changed on the server.

    A page's answers are not stored (the definition is read before they are);
    a code entered is kept as started, so the pupil goes on with it later.
    It is the survey team's to mend (put the pinned file back): the log says
    which questionnaire, the pupil is told to tell the teacher, with a 503.
    """
    db.session.rollback()
    current_app.logger.error("pupil page refused: %s", error)
    return render_template("error.html", code=503, message=_(
        "The survey cannot be shown at the moment. Your answers from the pages before are "
        "saved. Please tell your teacher.")), 503


@bp.errorhandler(429)
def too_many_tries(_error):
    """Too many refused codes from one place (or from everywhere): wait a little."""
    return render_template("error.html", code=429, message=_(
        "Too many wrong codes were tried. Please wait a minute and try again, "
        "or ask your teacher.")), 429
