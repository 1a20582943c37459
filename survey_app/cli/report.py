"""``wellbeing report --wave NAME --out DIR``: a wave's reports and data package from the shell.

Writes, for every municipality with released results of the wave, the data
package (zip) and the wave report PDFs (German and English) into ``DIR``; for a
wave run across a region, also the region report (German and English). Like
the planner pages it reads only the stored, released results.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def register(group: click.Group) -> None:
    """Add ``report`` to ``wellbeing``."""
    group.add_command(report)


def _stem(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", "_".join(parts))[:120]


def _pdf_languages() -> tuple[str, ...]:
    try:
        import survey_app.reports.pdf  # noqa: F401
    except ImportError:
        return ()
    return ("de", "en")


@click.command("report")
@click.option("--wave", "wave_name", required=True, help="Name of the wave.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (created if missing; its parent folder must exist).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
def report(wave_name: str, out_dir: Path, quiet: bool) -> None:
    """Write the wave's data package and PDF reports (released results only)."""
    from sqlalchemy import select
    from tqdm import tqdm

    from survey_app.extensions import db
    from survey_app.models import Municipality, ResultEstimate
    from survey_app.reports.content import wave_content
    from survey_app.reports.package import definition_file, package_zip
    from survey_app.services import questionnaires
    from survey_app.services.results import released

    from ._output import folder_checked, made, writing
    from ._waves import wave_named

    folder_checked(out_dir)
    wave = wave_named(wave_name)
    result_set = released(db.session, wave.id)
    if result_set is None:
        raise click.ClickException(
            f"{wave.name} has no released results; compute and release them first "
            f"('wellbeing results compute --wave \"{wave.name}\"', then 'results release')")
    extra = current_app.config.get("QUESTIONNAIRE_DIRS")
    try:
        questionnaire = questionnaires.find(result_set.questionnaire_id,
                                            result_set.questionnaire_version,
                                            result_set.questionnaire_hash, extra)
    except questionnaires.QuestionnaireNotFound as error:
        click.echo(f"warning: {error}; labels fall back to the measure ids", err=True)
        questionnaire = None
    towns = list(db.session.scalars(
        select(Municipality).where(Municipality.id.in_(
            select(ResultEstimate.municipality_id).where(
                ResultEstimate.result_set_id == result_set.id))).order_by(Municipality.name)))
    languages = _pdf_languages()
    made(out_dir)
    definition = definition_file(result_set, extra)
    written = []
    region = wave.region if wave.region_id is not None else None
    with tqdm(total=len(towns) * (1 + len(languages)) + (len(languages) if region else 0),
              unit="file", disable=quiet,
              file=sys.stderr, desc=wave.name) as bar:
        for town in towns:
            content = wave_content(db.session, result_set, town, questionnaire)
            bar.set_postfix_str(f"{town.name}: data package", refresh=False)
            path = out_dir / (_stem(wave.name, town.name, "data") + ".zip")
            data = package_zip(content, definition)
            with writing(path):
                path.write_bytes(data)
            written.append(path)
            bar.update(1)
            for lang in languages:
                from survey_app.reports.pdf import wave_report_pdf

                bar.set_postfix_str(f"{town.name}: report ({lang})", refresh=False)
                path = out_dir / (_stem(wave.name, town.name, "report", lang) + ".pdf")
                pdf = wave_report_pdf(db.session, content, lang)
                with writing(path):
                    path.write_bytes(pdf)
                written.append(path)
                bar.update(1)
        for lang in languages if region is not None else ():
            from survey_app.reports.region import region_report_pdf

            bar.set_postfix_str(f"{region.name}: region report ({lang})", refresh=False)
            path = out_dir / (_stem(wave.name, region.name, "region-report", lang) + ".pdf")
            try:
                pdf = region_report_pdf(db.session, region, (
                    result_set.questionnaire_id, result_set.questionnaire_version), lang)
            except LookupError as error:  # e.g. the questionnaire file is not installed
                click.echo(f"warning: no region report: {error}", err=True)
                break
            with writing(path):
                path.write_bytes(pdf)
            written.append(path)
            bar.update(1)
    for path in written:
        click.echo(str(path))
