"""The ``wellbeing`` console script: a Flask CLI group with the toolkit's commands.

Because it is a :class:`flask.cli.FlaskGroup`, Flask's own commands (``run``,
``shell``, ``routes``) and Flask-Migrate's ``db`` group work as well. Each
feature adds its commands in its own module below; :data:`COMMAND_MODULES`
lists them.
"""

from __future__ import annotations

import importlib

import click
from flask.cli import FlaskGroup

#: Modules under ``survey_app.cli`` that expose ``register(group)``.
COMMAND_MODULES = ("questionnaire", "demo")


def _create_app():
    from survey_app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Child-wellbeing survey toolkit: surveys, school administration, district results."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(main)
