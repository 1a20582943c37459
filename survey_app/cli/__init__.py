"""The ``wellbeing`` console script: a Flask CLI group with the toolkit's commands.

Because it is a :class:`flask.cli.FlaskGroup`, Flask's own commands (``run``,
``shell``, ``routes``) and Flask-Migrate's ``db`` group work as well. Each
feature adds its commands in its own module in this package, which defines
``register(group)``; every such module is found and registered here. Modules
whose name starts with ``_`` are helpers shared by the commands.
"""

from __future__ import annotations

import importlib
import pkgutil

import click
from flask.cli import FlaskGroup


def _create_app():
    from survey_app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Child-wellbeing survey toolkit: surveys, school administration, district results."""


for _module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name[0] != "_"):
    importlib.import_module(f"{__name__}.{_module}").register(main)
