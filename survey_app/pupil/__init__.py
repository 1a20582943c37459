"""The pupil's survey: start with a class code, answer the pages, submit."""

from flask import Blueprint

bp = Blueprint("pupil", __name__)


@bp.app_context_processor
def language_context() -> dict:
    """Language, writing direction and the language choice, for every page's layout."""
    from survey_app.pupil.current import current_language
    from survey_app.pupil.texts import LANGUAGES, direction, native_name

    lang = current_language()
    return {"lang": lang, "direction": direction(lang), "languages": LANGUAGES,
            "native_name": native_name}


from survey_app.pupil import views  # noqa: E402,F401
