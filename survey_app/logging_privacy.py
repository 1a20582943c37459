"""Keep client addresses out of every log line (design §6).

Werkzeug's development server starts each request log line with the client's
IP address; the filter below replaces it, so ``wellbeing run`` is as safe as
the demo's WSGI server, which logs no requests at all.
"""

from __future__ import annotations

import logging
import re

_ADDRESS_PREFIX = re.compile(r"^\S+ - - ")


class DropClientAddress(logging.Filter):
    """Rewrite ``1.2.3.4 - - [date] "GET / HTTP/1.1" 200 -`` to ``- - [date] ...``."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: A003
        message = record.getMessage()
        cleaned = _ADDRESS_PREFIX.sub("- - ", message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install_privacy_log_filter() -> None:
    """Attach the filter once to the loggers that may see client addresses."""
    for name in ("werkzeug", "waitress"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, DropClientAddress) for f in logger.filters):
            logger.addFilter(DropClientAddress())
