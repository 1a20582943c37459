"""Finding the wave a command names, with one message for a name that does not exist."""

from __future__ import annotations

import click


def wave_named(name: str):
    """The wave called ``name``, or a :class:`click.ClickException` listing the waves there are.

    The list helps whoever mistyped a name on the server's shell; wave names
    are not secret (staff pages show them).
    """
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Wave

    wave = db.session.scalar(select(Wave).where(Wave.name == name))
    if wave is None:
        names = ", ".join(db.session.scalars(select(Wave.name).order_by(Wave.name))) or "none"
        raise click.ClickException(f"no wave named {name!r} (waves: {names})")
    return wave
