"""``wellbeing fingerprint``: row counts and answer checksum, to check a restored backup."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext


def register(group: click.Group) -> None:
    """Add the ``fingerprint`` command to ``wellbeing``."""
    group.add_command(fingerprint)


@click.command()
@with_appcontext
def fingerprint() -> None:
    """Print the database's row counts and a checksum of the answers (JSON).

    Run it on the database when it is dumped and on the restored copy: the
    two outputs must be identical.
    """
    from survey_app.extensions import db
    from survey_app.services.fingerprint import fingerprint as compute

    click.echo(json.dumps(compute(db.session), indent=1, sort_keys=True))
