"""The survey web app: pupil pages, school and admin pages, planner dashboard.

Built by an app factory so that tests, the CLI and a WSGI server each get a
fresh, fully configured app.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from survey_app import models  # noqa: F401  (registers the tables with the metadata)
from survey_app.auth import login_manager
from survey_app.config import build_config
from survey_app.converters import install as install_converters
from survey_app.errors import register_error_handlers
from survey_app.extensions import babel, csrf, db, migrate, rate_counters
from survey_app.i18n import install_request_cached_gettext, select_locale
from survey_app.input_checks import install_query_check
from survey_app.labels import register_labels
from survey_app.logging_privacy import install_privacy_log_filter, mark_matched_routes
from survey_app.security_headers import install as install_security_headers

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")

#: Blueprint packages, one per audience; each exposes ``bp``.
BLUEPRINTS = ("survey_app.pupil", "survey_app.auth", "survey_app.admin", "survey_app.school",
              "survey_app.health", "survey_app.planner", "survey_app.planner_insights",
              "survey_app.school_results")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the app.

    Parameters
    ----------
    config
        Settings that override the environment (tests pass a temporary
        database and secret key here). ``INSTANCE_PATH`` (or the environment
        variable ``WELLBEING_INSTANCE``) moves the instance folder, which holds
        the default SQLite database and the generated secret key.
    """
    app = Flask(__name__, instance_relative_config=True)
    instance = (config or {}).get("INSTANCE_PATH") or os.environ.get("WELLBEING_INSTANCE")
    if instance:
        app.instance_path = str(instance)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(build_config(app.instance_path, config))
    # A failed statement's message would carry its parameters: a pupil's typed answers, into
    # the error log. Not a setting: the logs must never hold them (docs/data-protection.md).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
                                               "hide_parameters": True}

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    rate_counters.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_request_cached_gettext(app)
    login_manager.init_app(app)
    install_privacy_log_filter()
    mark_matched_routes(app)
    register_error_handlers(app)
    register_labels(app)
    install_security_headers(app)
    install_converters(app)
    install_query_check(app)
    for package in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(package).bp)
    return app
