"""``wellbeing export responses``: a wave's answers for ``wellbeing analyse``.

Pupil-level data leaves the server only through this command, run by the
city's survey team on the server: no staff web page shows or downloads it.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


def register(group: click.Group) -> None:
    """Add the ``export`` group to ``wellbeing``."""
    group.add_command(export)


@click.group()
def export() -> None:
    """Export survey data for analysis."""


@export.command("responses")
@click.option("--wave", "wave_name", required=True, help="Name of the wave.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Output file: .csv, .xlsx, .json or .sav.")
@click.option("--include-text", is_flag=True,
              help="Also export free-text answers (may contain names: check before sharing).")
@with_appcontext
def export_responses(wave_name: str, out: str, include_text: bool) -> None:
    """Write the wave's submitted responses in the wide format of design §4."""
    from sqlalchemy import select

    from analysis.exporting import output_format, write_table
    from survey_app.extensions import db
    from survey_app.models import Wave
    from survey_app.services import questionnaires
    from survey_app.services.frames import responses_frame

    try:
        output_format(out)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    wave = db.session.scalar(select(Wave).where(Wave.name == wave_name))
    if wave is None:
        names = ", ".join(db.session.scalars(select(Wave.name).order_by(Wave.name))) or "none"
        raise click.ClickException(f"no wave named {wave_name!r} (waves: {names})")
    try:
        questionnaire = questionnaires.find(
            wave.questionnaire_id, wave.questionnaire_version, wave.questionnaire_hash,
            current_app.config.get("QUESTIONNAIRE_DIRS"))
    except questionnaires.QuestionnaireNotFound as error:
        raise click.ClickException(str(error)) from None
    frame = responses_frame(db.session, wave, questionnaire, include_text=include_text)
    write_table(frame, out)
    click.echo(f"wrote {len(frame)} submitted responses of {wave.name} to {out}")
