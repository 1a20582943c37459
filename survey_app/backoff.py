"""Back-off for guessing: failures are limited, a right answer is never locked out.

A hard rate limit refuses everybody behind a limited key, also the pupil with
a valid code or the staff member with the right password. A :class:`Backoff`
instead gives each key a *budget* of failures (for example "60 per
minute;600 per hour"); only failures are counted. While the budget is spent,
the key is not refused but *slowed*: one attempt per *slot* (for example "1 per
2 seconds") is checked, and an attempt between slots is asked to wait the few
seconds until the next one. So a guesser gets at most one try per slot, while
a pupil with a valid code (or a staff member with the right password) gets in
with the next slot, whatever others did before.

Counters live in :data:`survey_app.extensions.rate_counters`, whose store is
``RATELIMIT_STORAGE_URI`` (Redis in production, so that all worker processes
share them). Keys are keyed hashes
(see :func:`survey_app.extensions.client_key`), never addresses. If the store
cannot be reached, attempts are let through and an error is logged: on a
survey morning a broken Redis must not turn every pupil away.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse, parse_many

from survey_app.extensions import rate_counters

log = logging.getLogger(__name__)

#: The shortest wait asked for when a slot is taken (a stored window end may lie in the past).
MIN_WAIT = 1.0


def _fail_open(default):
    """Run a store operation; if the store fails, log it and return ``default``."""
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except Exception as error:  # any store error: redis, network, timeouts
                log.error("rate-limit store unreachable (%s: %s); %s not limited",
                          type(error).__name__, error, self.scope)
                return default
        return wrapper
    return decorate


@dataclass(frozen=True)
class Backoff:
    """A failure budget and the slot rate that applies once it is spent.

    ``budget`` and ``slot`` name configuration keys holding limit strings in
    the ``limits`` notation; ``scope`` keeps different back-offs apart.
    """

    scope: str
    budget: str
    slot: str

    def _budget(self) -> list[RateLimitItem]:
        return parse_many(current_app.config[self.budget])

    def _slot(self) -> RateLimitItem:
        return parse(current_app.config[self.slot])

    def _ids(self, suffix: str, key: str) -> tuple[str, str]:
        """Storage identifiers: installations sharing one Redis keep apart by prefix."""
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
        return (f"{prefix}:{self.scope}{suffix}", key)

    def exhausted(self, key: str) -> bool:
        """Whether ``key`` has spent its failure budget (it is slowed now)."""
        strategy = rate_counters.limiter
        return not all(strategy.test(item, *self._ids("", key)) for item in self._budget())

    @_fail_open(0.0)
    def admit(self, key: str, slot_key: str | None = None) -> float:
        """Seconds to wait before an attempt of ``key`` is checked; 0: check it now.

        Within the budget every attempt is checked. Once it is spent, each
        attempt takes the slot of ``slot_key`` (default ``key``); when the slot
        is taken, the seconds until it is free again are returned.
        """
        if not self.exhausted(key):
            return 0.0
        strategy, item = rate_counters.limiter, self._slot()
        identifiers = self._ids(":slot", slot_key or key)
        if strategy.hit(item, *identifiers):
            return 0.0
        # The slot is taken: never 0 (which admits). Redis gives the window's end in whole
        # seconds (TTL), so in the last half second of a window it said "now", and every
        # attempt then was checked (found by attacking the production setup).
        reset_at = strategy.get_window_stats(item, *identifiers).reset_time
        return max(MIN_WAIT, reset_at - time.time())

    @_fail_open(None)
    def failed(self, key: str) -> None:
        """Count a failure (a wrong code, a wrong password) of ``key``."""
        strategy = rate_counters.limiter
        for item in self._budget():
            strategy.hit(item, *self._ids("", key))

    @_fail_open(None)
    def reset(self, key: str) -> None:
        """Forget ``key``'s failures (after a successful login)."""
        strategy = rate_counters.limiter
        for item in self._budget():
            strategy.clear(item, *self._ids("", key))


def retry_after(seconds: float) -> str:
    """The ``Retry-After`` header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
