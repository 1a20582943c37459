"""Messages for refused codes, worded for children and revealing nothing.

An unknown code and a malformed one get the same message, so that trying
codes tells nobody which codes exist.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REFUSALS = {
    "unknown": _l("We do not know this code. Please check it and try again."),
    "used": _l("This code has already been used. Each code can be used only once."),
    "void": _l("This code is no longer valid. Please ask your teacher for a new one."),
    "closed": _l("The survey for your class is not open at the moment. Please ask your teacher."),
}


def refusal_message(reason: str) -> str:
    """The message shown when a code is refused for ``reason``."""
    return str(REFUSALS[reason])
