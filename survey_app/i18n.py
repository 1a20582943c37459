"""Which language a page is shown in.

Pupils choose their language on the start page (German by default); it is kept
in the session so that it survives every page and can be switched on any page.
"""

from __future__ import annotations

from flask import session

DEFAULT_LOCALE = "de"


def select_locale() -> str:
    """The locale for Flask-Babel: the session's choice, else German."""
    return session.get("lang", DEFAULT_LOCALE)
