"""How guessing access codes is slowed, and how long guessing one would take.

Only refused codes count (per client and for all clients together); a client
or the whole city over its budget is slowed to one checked attempt per slot,
never locked out (see :mod:`survey_app.backoff`). A valid code always gets in
at the next slot. ``docs/security.md`` derives the numbers below for the
default limits.
"""

from __future__ import annotations

from functools import wraps
from typing import Mapping

from flask import flash, g, render_template, request
from flask_babel import gettext as _
from limits import parse, parse_many

from survey_app.backoff import Backoff, retry_after
from survey_app.extensions import client_key
from survey_app.services.access_codes import ALPHABET, CODE_LENGTH

#: Refused codes per client (keyed hash of its address); then one try per slot.
PER_CLIENT = Backoff("code-entry", "RATELIMIT_CODE_ENTRY", "RATELIMIT_CODE_RETRY")
#: Refused codes of all clients together; then one try per slot city-wide.
ALL_CLIENTS = Backoff("code-entry-total", "RATELIMIT_CODE_ENTRY_TOTAL",
                      "RATELIMIT_CODE_RETRY_TOTAL")
EVERYONE = "all-clients"

POSSIBLE_CODES = len(ALPHABET) ** CODE_LENGTH


def slowed_after_wrong_codes(view):
    """Wrap the start view: slow a client (or everyone) that spent its budget.

    A posted code is checked at once while the budgets last; afterwards at the
    next free slot (a 429 page with ``Retry-After`` asks to press again after
    a few seconds). The view sets ``g.code_refused`` when it refuses a code;
    only those tries are counted. Valid codes never count.
    """
    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        client = client_key()
        wait = PER_CLIENT.admit(client) or ALL_CLIENTS.admit(EVERYONE)
        if wait:
            from survey_app.pupil.forms import StartForm

            flash(_("Many wrong codes were typed here. Please wait a few seconds, "
                    "then press the button again."), "error")
            page = render_template("pupil/start.html", form=StartForm())
            return page, 429, {"Retry-After": retry_after(wait)}
        result = view(*args, **kwargs)
        if g.get("code_refused"):
            PER_CLIENT.failed(client)
            ALL_CLIENTS.failed(EVERYONE)
        return result
    return wrapper


def _per_second(item) -> float:
    return item.amount / item.get_expiry()


def max_guesses_per_second(config: Mapping) -> float:
    """The most codes all clients together can have checked per second, on average.

    The city-wide budget of refused codes (its tightest limit) plus, while
    it is spent, the city-wide slot rate. Per-client limits only lower this.
    """
    budget = min(_per_second(item) for item in parse_many(config["RATELIMIT_CODE_ENTRY_TOTAL"]))
    return budget + _per_second(parse(config["RATELIMIT_CODE_RETRY_TOTAL"]))


def expected_seconds_to_hit(valid_codes: int, guesses_per_second: float,
                            possible_codes: int = POSSIBLE_CODES) -> float:
    """Expected time until random guesses hit any of ``valid_codes`` usable codes.

    Each guess hits with probability ``valid_codes / possible_codes`` (guesses
    without repetition do only marginally better: ``(N + 1) / (V + 1)``).

    >>> round(expected_seconds_to_hit(1, 1.0, possible_codes=100))
    100
    """
    if valid_codes < 1:
        return float("inf")
    return possible_codes / valid_codes / guesses_per_second
