"""Which language a page is shown in.

Pupils choose their language on the start page (German by default); it is kept
in the session so that it survives every page and can be switched on any page.
Interface texts come from the gettext catalogues in ``survey_app/translations``
(see the README there); questionnaire texts come from the definition.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import has_request_context, session

DEFAULT_LOCALE = "de"
#: Messages of services called from the command line match the CLI's own English.
COMMAND_LINE_LOCALE = "en"
#: Interface languages, in the order the language choice shows them.
LANGUAGES = ("de", "en", "tr", "ar", "uk")


def select_locale() -> str:
    """The locale for Flask-Babel: the session's choice if offered, else German.

    Outside a request (CLI commands, background jobs) there is no session:
    messages are in English, like the command line's own texts.
    """
    if not has_request_context():
        return COMMAND_LINE_LOCALE
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LOCALE


@lru_cache(maxsize=32)
def direction(lang: str) -> str:
    """``rtl`` for right-to-left languages (Arabic), else ``ltr``."""
    return Locale.parse(lang).text_direction


@lru_cache(maxsize=32)
def native_name(lang: str) -> str:
    """The language's own name with a capital, e.g. ``Türkçe`` for ``tr``."""
    name = Locale.parse(lang).get_display_name(lang)
    return name[:1].upper() + name[1:]


def install_request_cached_gettext(app) -> None:
    """Let templates look the request's catalogue up once, not once per string.

    Flask-Babel's template callables find the catalogue anew for each
    translated string (context, locale, cache key): a questionnaire page has
    about a hundred of them. The locale is fixed for a request once chosen
    (Flask-Babel caches it too), so the catalogue is kept on ``g``.
    """
    from flask import g
    from flask_babel import get_translations

    def catalogue():
        found = g.get("_gettext_catalogue")
        if found is None:
            found = g._gettext_catalogue = get_translations()
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
    )
