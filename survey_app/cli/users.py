"""``wellbeing users create``: staff accounts from the shell (the first admin above all).

The password is asked for twice without echo on a terminal, or read from the
first line of standard input when that is not a terminal (for scripts:
``printf '%s\\n' "$PW" | wellbeing users create ...``). It never appears on
the command line, where other users of the machine could see it.
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from survey_app.models.staff import ROLES


@click.group("users")
def users() -> None:
    """Staff accounts."""


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users.command("create")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may do.")
@click.option("--email", required=True, help="E-mail address; the login name.")
@click.option("--school", "schools", multiple=True,
              help="School name or id (coordinators; repeat for several).")
@click.option("--municipality", "municipalities", multiple=True,
              help="Municipality name or id (planners; repeat for several).")
@with_appcontext
def create(role: str, email: str, schools: tuple[str, ...],
           municipalities: tuple[str, ...]) -> None:
    """Create a staff account; the password is prompted for (never echoed)."""
    from survey_app.cli._lookup import one_named
    from survey_app.extensions import db
    from survey_app.models import Municipality, School
    from survey_app.services.errors import InvalidInput
    from survey_app.services.staff import create_user

    school_ids = [one_named(db.session, School, s, "school", "--school").id for s in schools]
    municipality_ids = [one_named(db.session, Municipality, m, "municipality",
                                  "--municipality").id for m in municipalities]
    password = _read_password()
    try:
        user = create_user(db.session, None, email, role, password, school_ids,
                           municipality_ids)
    except InvalidInput as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email}.")


def register(group: click.Group) -> None:
    """Add the ``users`` commands to the ``wellbeing`` group."""
    group.add_command(users)
