"""``wellbeing export responses`` / ``export enrolment``: a wave's data for ``wellbeing analyse``.

Pupil-level data leaves the server only through this command, run by the
city's survey team on the server: no staff web page shows or downloads it.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from survey_app.cli._output import file_checked, writing
from survey_app.cli._types import FiniteFloatRange
from survey_app.cli._waves import wave_named


def register(group: click.Group) -> None:
    """Add the ``export`` group to ``wellbeing``."""
    group.add_command(export)


@click.group()
def export() -> None:
    """Export survey data for analysis."""


def _output_checked(out: str) -> None:
    """Refuse an unknown file type or a place that cannot be written, before any query."""
    from analysis.files import output_format

    try:
        output_format(out)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    file_checked(out)


@export.command("responses")
@click.option("--wave", "wave_name", required=True, help="Name of the wave.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Output file: .csv, .xlsx, .json or .sav, in an existing folder.")
@click.option("--include-text", is_flag=True,
              help="Also export free-text answers (may contain names: check before sharing).")
@click.option("--min-progress", type=FiniteFloatRange(0, 1, min_open=True), default=1.0,
              show_default=True,
              help="Also export questionnaires that were never submitted but reached this share "
                   "of their pages (1 = reached the last page), marked 0 in the column "
                   "'submitted'.")
@click.option("--submitted-only", is_flag=True,
              help="Export submitted questionnaires only (no 'submitted' column).")
@with_appcontext
def export_responses(wave_name: str, out: str, include_text: bool, min_progress: float,
                     submitted_only: bool) -> None:
    """Write a wave's responses in the wide format that 'wellbeing analyse' reads.

    Besides the submitted questionnaires, those that reached the end (or the
    share of pages given by --min-progress) without being sent are written
    too, with submitted = 0, so that the analysis can include or exclude them
    ('wellbeing analyse --submitted-only').
    """
    from analysis.files import write_table
    from survey_app.extensions import db
    from survey_app.services import questionnaires
    from survey_app.services.frames import SUBMITTED_COLUMN, responses_frame

    _output_checked(out)
    wave = wave_named(wave_name)
    try:
        questionnaire = questionnaires.find(
            wave.questionnaire_id, wave.questionnaire_version, wave.questionnaire_hash,
            current_app.config.get("QUESTIONNAIRE_DIRS"))
    except questionnaires.QuestionnaireNotFound as error:
        raise click.ClickException(str(error)) from None
    frame = responses_frame(db.session, wave, questionnaire, include_text=include_text,
                            min_progress=None if submitted_only else min_progress)
    with writing(out):
        write_table(frame, out)
    if submitted_only:
        click.echo(f"wrote {len(frame)} submitted responses of {wave.name} to {out}")
        return
    unsent = int((frame[SUBMITTED_COLUMN] == 0).sum())
    click.echo(f"wrote {len(frame) - unsent} submitted responses and {unsent} not submitted "
               f"(reached {min_progress:.0%} of the pages) of {wave.name} to {out}")


@export.command("enrolment")
@click.option("--wave", "wave_name", required=True, help="Name of the wave.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Output file: .csv, .xlsx, .json or .sav, in an existing folder.")
@with_appcontext
def export_enrolment(wave_name: str, out: str) -> None:
    """Write a wave's enrolled pupils per school and grade (school, grade, pupils).

    The counts are the classes' enrolled numbers summed per school and grade;
    the file is what 'wellbeing analyse --enrolment' weights the responses to.
    Classes without an enrolled count are left out and reported.
    """
    from sqlalchemy import func, select

    from analysis.files import write_table
    from survey_app.extensions import db
    from survey_app.models import SchoolClass
    from survey_app.services.frames import enrolment_frame

    _output_checked(out)
    wave = wave_named(wave_name)
    frame = enrolment_frame(db.session, wave)
    with writing(out):
        write_table(frame, out)
    unknown = db.session.scalar(select(func.count()).select_from(SchoolClass).where(
        SchoolClass.wave_id == wave.id, SchoolClass.enrolled.is_(None)))
    click.echo(f"wrote {int(frame['pupils'].sum())} enrolled pupils in {len(frame)} "
               f"school x grade cells of {wave.name} to {out}")
    if unknown:
        click.echo(f"warning: {unknown} classes have no enrolled count and are left out",
                   err=True)
