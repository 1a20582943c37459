"""Crash mode of ``bench/web.py``: SIGKILL the whole server again and again under load.

Pupils retry what went unanswered; afterwards the check of
:func:`bench.web_database.verify` must find every acknowledged answer stored
exactly once.
"""

from __future__ import annotations

import secrets
import time

from bench.web_server import Server


def kill_repeatedly(server: Server, kills: int, restarts: list[float]) -> None:
    """SIGKILL the whole server ``kills`` times, restarting it after each kill."""
    time.sleep(1.0)
    for _ in range(kills):
        server.kill()
        restarts.append(server.start())
        time.sleep(0.5 + secrets.randbelow(1000) / 1000)
