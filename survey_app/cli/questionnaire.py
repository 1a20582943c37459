"""``wellbeing questionnaire validate PATH...``: check definitions before a wave uses them.

A survey team edits YAML by hand, often in a plain text editor. This command
is their feedback loop: one ``file:line: message`` line per problem (exit 1),
or a one-line summary per file (exit 0). It needs no app, database or
configuration, so it runs anywhere the toolkit is installed.
"""

from __future__ import annotations

import click

from analysis.questionnaire import Problem, Questionnaire, QuestionnaireError, load


@click.group("questionnaire")
def questionnaire() -> None:
    """Work with questionnaire definition files (YAML)."""


@questionnaire.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True))
def validate_command(paths: tuple[str, ...]) -> None:
    """Check questionnaire files: structure, references, translations, scoring rules.

    Prints one "file:line: message" line per problem and exits with status 1,
    or prints a summary of each file and exits with status 0.
    """
    failed = False
    for path in paths:
        q, problems = _load(path)
        if q is None:
            failed = True
            for problem in problems:
                click.echo(str(problem))
            continue
        unchecked = [lang.code for lang in q.languages if not lang.checked]
        note = f"; translations not yet checked: {', '.join(unchecked)}" if unchecked else ""
        click.echo(f"{path}: OK: {q.id} version {q.version}, {len(q.pages)} pages, "
                   f"{len(q.items)} items, {len(q.scales)} scales, "
                   f"languages {', '.join(q.language_codes)}{note}")
    if failed:
        raise click.exceptions.Exit(1)


def _load(path: str) -> tuple[Questionnaire | None, list[Problem]]:
    """The questionnaire or its problems; an unexpected failure is reported, not a traceback."""
    try:
        return load(path), []
    except QuestionnaireError as exc:
        return None, exc.problems
    except Exception as exc:  # noqa: BLE001 - a validator must answer, whatever the file
        return None, [Problem(path, 0, f"could not check this file ({type(exc).__name__}: "
                                       f"{exc}); please report this as a bug")]


def register(group: click.Group) -> None:
    """Add the ``questionnaire`` commands to the ``wellbeing`` command group."""
    group.add_command(questionnaire)
