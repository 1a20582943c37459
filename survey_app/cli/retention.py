"""``wellbeing retention --wave W --archive FILE``: delete a closed wave's raw answers."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey_app.cli._waves import wave_named


def register(group: click.Group) -> None:
    """Add the ``retention`` command to ``wellbeing``."""
    group.add_command(retention)


@click.command()
@click.option("--wave", "wave_name", required=True, help="Name of the closed wave.")
@click.option("--archive", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The wave's archived export (wellbeing export responses --out FILE.csv); "
                   "checked to be complete before anything is deleted.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def retention(wave_name: str, archive: Path, yes: bool) -> None:
    """Delete the pupils' answers of a closed wave, keeping classes and response counts.

    Refused while the wave is open, and unless ARCHIVE is the wave's complete
    export. Irreversible; recorded in the audit log.
    """
    from survey_app.extensions import db
    from survey_app.services import questionnaires
    from survey_app.services.retention import RetentionRefused, delete_raw_answers

    wave = wave_named(wave_name)
    try:
        questionnaire = questionnaires.find(
            wave.questionnaire_id, wave.questionnaire_version, wave.questionnaire_hash,
            current_app.config.get("QUESTIONNAIRE_DIRS"))
    except questionnaires.QuestionnaireNotFound as error:
        raise click.ClickException(str(error)) from None
    if not yes:
        click.confirm(f"Delete every pupil answer of {wave.name!r} for good?", abort=True)
    try:
        result = delete_raw_answers(db.session, wave, questionnaire, archive)
    except RetentionRefused as refused:
        db.session.rollback()
        raise click.ClickException(f"nothing deleted: {refused}") from None
    db.session.commit()
    click.echo(f"deleted {result.responses} responses with {result.answers} answers of "
               f"{wave.name}; kept the wave, its classes and their response counts "
               f"(archive sha256 {result.archive_sha256})")
