"""``/healthz``: whether this worker can serve pupils (for load balancers and monitoring).

Healthy means the database answers and its schema is at the migrations' head,
so that a worker started before ``wellbeing db upgrade`` ran, or against the
wrong database, is taken out of rotation instead of failing pupils' saves.
No login, no session, never cached; the answer names no host, user or error
text, only states and migration revision ids.
"""

from __future__ import annotations

from functools import lru_cache

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from survey_app.extensions import db

bp = Blueprint("health", __name__)


@lru_cache(maxsize=4)
def migration_heads(directory: str) -> tuple[str, ...]:
    """The head revision(s) of the migration scripts shipped with this code."""
    return tuple(sorted(ScriptDirectory(directory).get_heads()))


def database_state(directory: str) -> dict:
    """``{"database": ..., "migrations": ..., "healthy": bool}`` for the app's database.

    ``database`` is ``"reachable"`` or ``"unreachable"``; ``migrations`` is
    ``"current"``, ``"not applied"`` or ``"different"`` (the database is behind
    or ahead of this code), with both revision lists.
    """
    code_heads = list(migration_heads(directory))
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            applied = sorted(connection.scalars(text("SELECT version_num FROM alembic_version"))) \
                if inspect(connection).has_table("alembic_version") else []
    except SQLAlchemyError as error:
        current_app.logger.warning("health check: database unreachable (%s)",
                                   type(error).__name__)
        return {"healthy": False, "database": "unreachable", "migrations": "unknown",
                "code_revision": code_heads}
    if not applied:
        migrations = "not applied"
    elif applied == code_heads:
        migrations = "current"
    else:
        migrations = "different"
    return {"healthy": migrations == "current", "database": "reachable",
            "migrations": migrations, "code_revision": code_heads,
            "database_revision": applied}


@bp.route("/healthz")
def healthz():
    """200 with ``{"status": "ok", ...}``, or 503 with ``"status": "unavailable"``."""
    from survey_app import MIGRATIONS_DIR

    state = database_state(MIGRATIONS_DIR)
    healthy = state.pop("healthy")
    response = jsonify({"status": "ok" if healthy else "unavailable", **state})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
