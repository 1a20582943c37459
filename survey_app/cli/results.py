"""``wellbeing results compute`` / ``release``: a wave's stored results from the shell.

The planner pages read what these commands (or the admin's button) store;
they never compute anything themselves.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from survey_app.cli._waves import wave_named


def register(group: click.Group) -> None:
    """Add the ``results`` group to ``wellbeing``."""
    group.add_command(results)


@click.group()
def results() -> None:
    """A wave's results for the planner pages."""



@results.command("compute")
@click.option("--wave", "wave_name", required=True, help="Name of the wave.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
def compute(wave_name: str, quiet: bool) -> None:
    """Compute and store the wave's results as a draft (replacing an earlier draft)."""
    from tqdm import tqdm

    from survey_app.extensions import db
    from survey_app.services.errors import InvalidInput
    from survey_app.services.results import compute_wave

    wave = wave_named(wave_name)
    bar = tqdm(total=None, unit="step", disable=quiet, file=sys.stderr,
               desc=wave.name)

    def progress(done: int, total: int, what: str) -> None:
        bar.total = total
        bar.set_postfix_str(what, refresh=False)
        bar.update(done - bar.n)

    try:
        stored = compute_wave(db.session, wave,
                              extra_dirs=current_app.config.get("QUESTIONNAIRE_DIRS"),
                              min_group_size=current_app.config["MIN_GROUP_SIZE"],
                              progress=progress)
    except InvalidInput as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    finally:
        bar.close()
    db.session.commit()
    hidden = sum(1 for e in stored.estimates if e.suppressed)
    click.echo(f"stored draft results of {wave.name}: {stored.responses} answered surveys, "
               f"{len(stored.estimates)} figures ({hidden} suppressed, min n "
               f"{stored.min_group_size}), weighting: {stored.weighting}. Release them on the "
               f"wave's admin page or with 'wellbeing results release --wave \"{wave.name}\"'.")


@results.command("release")
@click.option("--wave", "wave_name", required=True, help="Name of the wave.")
@with_appcontext
def release(wave_name: str) -> None:
    """Release the wave's draft results to its planners (they are frozen from then on)."""
    from survey_app.extensions import db
    from survey_app.services.errors import InvalidInput
    from survey_app.services.results import draft, release_results

    wave = wave_named(wave_name)
    pending = draft(db.session, wave.id)
    if pending is None:
        raise click.ClickException(f"{wave.name} has no draft results; run "
                                   f"'wellbeing results compute --wave \"{wave.name}\"' first")
    try:
        release_results(db.session, None, pending)
    except InvalidInput as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"released the results of {wave.name} ({pending.responses} answered surveys, "
               f"computed {pending.computed_at:%Y-%m-%d %H:%M} UTC)")
