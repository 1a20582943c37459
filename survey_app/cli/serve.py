"""``wellbeing serve``: the production server (gunicorn, several worker processes).

The master process builds the app once, refuses to start when the
configuration is unsafe (:mod:`survey_app.production_checks`) or the database
is unreachable or not migrated, and then forks the workers from the loaded app
(``preload_app``), so that a worker that dies is replaced in milliseconds, not
after another import of the app. Workers keep no state of their own: pupils'
and staff sessions live in signed cookies, answers in the database, rate
limits in Redis. Several servers can therefore run behind one load balancer.

Signals (gunicorn's): ``TERM`` stops gracefully (requests in flight finish),
``HUP`` replaces the workers gracefully, ``USR2`` then ``TERM`` to the old
master starts new code without dropping a connection. See docs/deployment.md.
"""

from __future__ import annotations

import logging
import os
import sys

import click

DEFAULT_PORT = 8000


def register(group: click.Group) -> None:
    """Add the ``serve`` command to the ``wellbeing`` group."""
    group.add_command(serve)


def default_workers() -> int:
    """Gunicorn's advice: two workers per core plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def configure_json_logging(level: str) -> None:
    """Every log line of the master and the workers as one JSON object on stderr."""
    from survey_app.logging_privacy import JsonLines

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def startup_problems(app, workers: int) -> list[str]:
    """Why ``app`` must not be served: unsafe settings, or a database that is not ready."""
    from survey_app import MIGRATIONS_DIR
    from survey_app.extensions import db
    from survey_app.health import database_state
    from survey_app.production_checks import problems

    found = list(problems(app.config, workers))
    with app.app_context():
        state = database_state(MIGRATIONS_DIR)
        db.engine.dispose()  # the workers open their own connections after the fork
    if state["database"] != "reachable":
        found.append("the database (DATABASE_URL) is not reachable")
    elif state["migrations"] != "current":
        found.append(f"the database schema is {state['migrations']} "
                     f"({', '.join(state.get('database_revision') or ['none'])}; this code "
                     f"expects {', '.join(state['code_revision'])}): run `wellbeing db upgrade`")
    return found


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the reverse proxy connects here).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--workers", default=default_workers, show_default="2 x cores + 1", type=int,
              help="Worker processes.")
@click.option("--threads", default=None, show_default="4; 1 on SQLite", type=int,
              help="Threads per worker (gthread worker): requests waiting for the database "
                   "or a slow client do not block the worker.")
@click.option("--timeout", default=30, show_default=True, type=int,
              help="Seconds before a stuck worker is killed and replaced.")
@click.option("--graceful-timeout", default=30, show_default=True, type=int,
              help="Seconds that requests in flight get to finish on restart or stop.")
@click.option("--max-requests", default=0, show_default=True, type=int,
              help="Replace a worker after this many requests (0: never).")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="One JSON line per request (method, path, status, duration; no address).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
def serve(host: str, port: int, workers: int, threads: int | None, timeout: int,
          graceful_timeout: int, max_requests: int, access_log: bool, log_level: str) -> None:
    """Serve the app in production: gunicorn workers on DATABASE_URL, limits in Redis.

    Refuses to start when the configuration is unsafe for production or the
    database is not reachable or not migrated.
    """
    from survey_app.wsgi_server import ProductionServer, default_threads, engine_options

    if threads is None:
        threads = default_threads(os.environ.get("DATABASE_URL", ""))
    if workers < 1 or threads < 1:
        raise click.BadParameter("workers and threads must be at least 1")
    configure_json_logging(log_level)
    from survey_app import create_app

    app = create_app({"SQLALCHEMY_ENGINE_OPTIONS":
                      engine_options(os.environ.get("DATABASE_URL", ""))})
    problems = startup_problems(app, workers)
    if problems:
        for problem in problems:
            click.echo(f"refusing to start: {problem}", err=True)
        sys.exit(2)
    from survey_app.pupil.warm import warm_pupil_pages

    try:  # before the fork: every worker starts with the pupil pages built
        warm_pupil_pages(app)
    except Exception:  # noqa: BLE001 (the workers build them on first use instead)
        logging.getLogger(__name__).exception("pupil pages were not prepared in advance")

    ProductionServer(app, {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": graceful_timeout,
        "keepalive": 5,
        "max_requests": max_requests,
        "max_requests_jitter": max_requests // 10,
        "preload_app": True,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": log_level,
        "proc_name": "wellbeing",
    }).run()
