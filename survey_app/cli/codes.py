"""``wellbeing codes generate``: one-time access codes for a class, from the shell.

For survey teams who script the set-up of a wave: the codes are printed one a
line (and optionally written as a printable sheet); only their hashes are
stored, so keep the output or the PDF.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey_app.cli._lookup import one_named
from survey_app.cli._output import file_checked


@click.group("codes")
def codes() -> None:
    """Access codes for pupils."""


@codes.command("generate")
@click.option("--wave", "wave_ref", required=True, help="Wave name or id.")
@click.option("--school", "school_ref", required=True, help="School name or id.")
@click.option("--class", "class_ref", required=True, help="Class name (e.g. 5a) or id.")
@click.option("--count", required=True, type=click.IntRange(1, 200), help="Number of codes.")
@click.option("--pdf", "pdf_path",
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Also write a printable sheet of cut-out slips to this file (in an "
                   "existing folder).")
@with_appcontext
def generate(wave_ref: str, school_ref: str, class_ref: str, count: int,
             pdf_path: Path | None) -> None:
    """Create COUNT new codes for a class and print them, one a line."""
    from survey_app.extensions import db
    from survey_app.models import School, SchoolClass, Wave
    from survey_app.services.code_sheets import code_sheet_pdf, sheet_heading
    from survey_app.services.codes import issue_codes
    from survey_app.services.errors import InvalidInput

    if pdf_path is not None:
        file_checked(pdf_path)  # before any code is stored
    wave = one_named(db.session, Wave, wave_ref, "wave", "--wave")
    school = one_named(db.session, School, school_ref, "school", "--school")
    school_class = one_named(db.session, SchoolClass, class_ref, "class", "--class",
                             wave_id=wave.id, school_id=school.id)
    try:
        plain = issue_codes(db.session, None, school_class.id, count)
    except InvalidInput as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    if pdf_path is not None:
        url = current_app.config.get("SURVEY_BASE_URL") or "http://localhost:5000/"
        if not current_app.config.get("SURVEY_BASE_URL"):
            click.echo("warning: SURVEY_BASE_URL is not set; the sheet shows " + url, err=True)
        heading = sheet_heading(school_class, current_app.config.get("QUESTIONNAIRE_DIRS"))
        try:
            pdf_path.write_bytes(code_sheet_pdf(plain, url, heading))
        except OSError as error:
            db.session.rollback()
            raise click.ClickException(f"cannot write {pdf_path}: {error.strerror}") from None
    db.session.commit()
    for code in plain:
        click.echo(code)


def register(group: click.Group) -> None:
    """Add the ``codes`` commands to the ``wellbeing`` group."""
    group.add_command(codes)
