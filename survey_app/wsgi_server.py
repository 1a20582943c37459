"""Gunicorn plumbing of ``wellbeing serve``: the app loaded once, logs as private JSON lines.

What a log line may contain is decided in :mod:`survey_app.logging_privacy`;
this module only connects gunicorn's loggers to it.
"""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from gunicorn.http import wsgi as gunicorn_wsgi

from survey_app.logging_privacy import JsonLines, access_entry


def default_threads(database_url: str) -> int:
    """Threads per worker when ``--threads`` is not given: 4, and 1 on SQLite.

    SQLite writes one transaction at a time: a worker's threads only queue for
    the writer and for the interpreter's lock (page saves/s on two cores with
    4 workers: 65-68 with four threads each, 99-110 with one; docs/deployment.md).
    """
    return 1 if database_url.startswith("sqlite") else 4


def engine_options(database_url: str) -> dict:
    """Pool settings for the server: check connections before use, never wait forever."""
    options: dict = {"pool_pre_ping": True}
    if database_url.startswith(("postgres://", "postgresql")):
        options["connect_args"] = {"connect_timeout": 5}
    return options



class PrivateJsonLogger(Logger):
    """Gunicorn's error and access logs as JSON lines without client addresses."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonLines())

    def access(self, resp, req, environ, request_time) -> None:
        """One line per request: method, path, status, duration, size, worker; no address."""
        if not self.access_log.handlers:
            return
        entry = access_entry(environ, resp.status, request_time.total_seconds(),
                             getattr(resp, "sent", None), os.getpid())
        self.access_log.info("request", extra=entry)


def _post_fork(_server, _worker) -> None:
    """A forked worker must not reuse the master's database connections."""
    from survey_app.extensions import db

    app = ProductionServer.loaded_app
    if app is not None:
        with app.app_context():
            db.engine.dispose(close=False)


def drop_server_banner() -> None:
    """Send no ``Server`` header: it tells an attacker which software to try."""
    original = gunicorn_wsgi.Response.default_headers
    if getattr(original, "drops_banner", False):
        return

    def default_headers(self):
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers.drops_banner = True
    gunicorn_wsgi.Response.default_headers = default_headers


class ProductionServer(BaseApplication):
    """Gunicorn serving an app object built (and checked) by ``wellbeing serve``."""

    loaded_app = None

    def __init__(self, app, options: dict) -> None:
        self.application = app
        self.options = options
        ProductionServer.loaded_app = app
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("logger_class", PrivateJsonLogger)
        self.cfg.set("post_fork", _post_fork)
        # Several servers may run on one machine (and in the tests): no shared control socket.
        if "control_socket_disable" in self.cfg.settings:
            self.cfg.set("control_socket_disable", True)
        drop_server_banner()

    def load(self):
        return self.application
