"""Keep client addresses and user agents out of every log line (design §6).

The one place that decides what a log line may hold:

- :class:`DropClientAddress` rewrites the request lines of Werkzeug's
  development server, which start with the client's address;
- :class:`JsonLines` is the formatter of ``wellbeing serve``: one JSON object
  per line, with every IP address in a message or traceback replaced by ``-``
  (loopback and wildcard addresses, which are the server's own, are kept);
- :func:`access_entry` is what ``wellbeing serve`` logs per request: method,
  path without the query string (only of a page of the app), status, duration
  and size. Never the client address, the user agent, the referrer or cookies.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import re
from typing import Any

_ADDRESS_PREFIX = re.compile(r"^\S+ - - ")
#: Candidates for IPv6 and IPv4 addresses; each is checked with :mod:`ipaddress`.
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
                             r"(?:\.\d{1,3}){0,3}(?![\w:])")
_IPV4_CANDIDATE = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d]|\.\d)")
REDACTED = "-"
#: Fields of a log record that :class:`JsonLines` copies into the line when present.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "bytes", "worker")


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


def _replace_address(match: re.Match) -> str:
    token = match.group(0)
    try:
        address = ipaddress.ip_address(token)
    except ValueError:
        return token  # a time of day, a version number: not an address
    if address.is_loopback or address.is_unspecified:
        return token
    return REDACTED


def redact_addresses(text: str) -> str:
    """``text`` with every IPv4 and IPv6 address except loopback and wildcard replaced.

    >>> redact_addresses("Invalid request from ip=203.0.113.9 at 12:30:45")
    'Invalid request from ip=- at 12:30:45'
    """
    return _IPV4_CANDIDATE.sub(_replace_address, _IPV6_CANDIDATE.sub(_replace_address, text))


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and request fields."""

    def format(self, record: logging.LogRecord) -> str:  # noqa: A003
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc)
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_addresses(record.getMessage()),
        }
        for field in ACCESS_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = redact_addresses(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


#: Set in the WSGI environ by :func:`mark_matched_routes` when a page of the app answered.
MATCHED = "wellbeing.matched_route"
#: What the access log says instead of a path that matched no page.
UNMATCHED_PATH = "(no page)"


def mark_matched_routes(app) -> None:
    """Note in each request's environ whether its path is one of the app's pages.

    A path that matched none may hold anything a pupil typed into the address
    bar, such as their code (found by attacking the logs, issue 12), so
    :func:`access_entry` does not log it.
    """
    from flask import request

    @app.after_request
    def mark(response):
        request.environ[MATCHED] = request.url_rule is not None
        return response


def access_entry(environ: dict, status: str | int | None, duration_s: float,
                 size: int | None, worker: int) -> dict[str, Any]:
    """The fields logged for one request: nothing that identifies the client.

    The query string is left out, since a link may carry a token; so is a path
    that matched no page of the app (:func:`mark_matched_routes`).
    """
    code = int(str(status).split(None, 1)[0]) if status else None
    return {"method": environ.get("REQUEST_METHOD", "-"),
            "path": environ.get("PATH_INFO", "-") if environ.get(MATCHED) else UNMATCHED_PATH,
            "status": code, "duration_ms": round(duration_s * 1000, 1),
            "bytes": size, "worker": worker}
