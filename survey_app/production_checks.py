"""Settings that are unsafe for a production server, checked before ``wellbeing serve`` starts.

The demo server forgives a lot (one process, the address from the request);
a city's production server must not: ``wellbeing serve`` calls
:func:`problems` and refuses to start while it returns anything. Every
setting is described in ``docs/configuration.md``.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlsplit

#: Rate-limit stores that live inside one process.
PROCESS_LOCAL_STORES = ("memory://",)


def _storage_problem(config: Mapping[str, Any], workers: int) -> str | None:
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if workers > 1 and storage.startswith(PROCESS_LOCAL_STORES):
        return (f"RATELIMIT_STORAGE_URI is {storage!r}: with {workers} worker processes each "
                "would keep its own rate limits (wrong codes and logins would be allowed "
                f"{workers} times); set REDIS_URL or RATELIMIT_STORAGE_URI to a shared store "
                "such as redis://127.0.0.1:6379/0")
    return None


def _base_url_problem(config: Mapping[str, Any]) -> str | None:
    raw = str(config.get("SURVEY_BASE_URL") or "").strip()
    if not raw:
        return ("SURVEY_BASE_URL is not set: code sheets would take the server's address "
                "from the request's Host header, which a client chooses; set it to the "
                "public address of the start page, e.g. https://umfrage.example.de/")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return (f"SURVEY_BASE_URL is {raw!r}: it must be a full address starting with "
                "https:// (or http://), e.g. https://umfrage.example.de/")
    if parts.query or parts.fragment or parts.username or parts.password:
        return (f"SURVEY_BASE_URL is {raw!r}: it must not contain a user name, password, "
                "query or fragment")
    return None


def _proxy_problem(config: Mapping[str, Any]) -> str | None:
    raw = config.get("PROXY_COUNT", 0)
    try:
        count = int(raw)
    except (TypeError, ValueError):
        count = -1
    if count < 0 or count > 5:
        return f"PROXY_COUNT is {raw!r}: it must be the number of reverse proxies, 0 to 5"
    return None


def problems(config: Mapping[str, Any], workers: int) -> list[str]:
    """Why the app configured by ``config`` must not be served by ``workers`` processes.

    An empty list means the configuration may be served. Each message names
    the setting, what goes wrong, and what to set instead.

    >>> problems({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    ...           "SURVEY_BASE_URL": "https://umfrage.example.de/"}, workers=4)
    []
    """
    found = [_storage_problem(config, workers), _base_url_problem(config),
             _proxy_problem(config)]
    return [problem for problem in found if problem]
