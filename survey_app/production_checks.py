"""Settings that are unsafe for a production server, checked before ``wellbeing serve`` starts.

A minimal version: the ``security`` branch owns this module and checks more;
the two are reconciled at merge. The contract is :func:`problems`.
"""

from __future__ import annotations

from typing import Any, Mapping


def problems(config: Mapping[str, Any], workers: int) -> list[str]:
    """Why the app configured by ``config`` must not be served by ``workers`` processes.

    An empty list means the configuration may be served.
    """
    found = []
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if workers > 1 and storage.startswith("memory://"):
        found.append(
            f"RATELIMIT_STORAGE_URI is {storage!r}: with {workers} worker processes each would "
            "keep its own rate limits; set it to a shared store such as redis://127.0.0.1:6379/0")
    if not str(config.get("SURVEY_BASE_URL") or "").strip():
        found.append("SURVEY_BASE_URL is not set: code sheets would take the server's address "
                     "from the request's Host header; set it to the public address, e.g. "
                     "https://umfrage.example.de/")
    return found
