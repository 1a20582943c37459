"""``wellbeing simulate``, ``score`` and ``analyse``: the analysis library on the command line.

These commands need no app, database or configuration (only
``MIN_GROUP_SIZE``); they read and write files. Bad input ends with one
``Error: ...`` line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import click

from survey_app.cli._output import file_checked, folder_checked, made, writing

DEFAULT_MIN_N = 10


def register(group: click.Group) -> None:
    """Add ``simulate``, ``score`` and ``analyse`` to the ``wellbeing`` group."""
    for command in (simulate, score, analyse):
        group.add_command(command)


def _clean_errors(func):
    """Turn expected failures into one line on stderr and exit status 1."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from analysis.questionnaire import QuestionnaireError

        try:
            return func(*args, **kwargs)
        except QuestionnaireError as exc:
            problems = exc.problems
            more = f" (and {len(problems) - 1} more; see 'wellbeing questionnaire validate')" \
                if len(problems) > 1 else ""
            _fail(f"{problems[0]}{more}" if problems else str(exc))
        except (ValueError, OSError) as exc:
            _fail(str(exc))
        except MemoryError:
            _fail("not enough memory for this many pupils")
    return wrapper


def _fail(message: str) -> None:
    click.echo("Error: " + " ".join(str(message).split()), err=True)
    raise click.exceptions.Exit(1)


def _submitted(responses):
    """Only the submitted questionnaires: rows whose ``submitted`` column is 1 (or true).

    A file without the column holds submitted questionnaires only.
    """
    if "submitted" not in responses.columns:
        return responses
    flag = responses["submitted"].astype(str).str.strip().str.lower()
    unknown = ~flag.isin(["1", "0", "true", "false", "1.0", "0.0"])
    if unknown.any():
        raise ValueError(f"column 'submitted' must hold 1 or 0; line "
                         f"{int(unknown.to_numpy().argmax()) + 2} has "
                         f"{responses['submitted'][unknown].iloc[0]!r}")
    return responses[flag.isin(["1", "true", "1.0"]).to_numpy()].reset_index(drop=True)


def _questionnaire(path: str | None):
    from analysis.questionnaire import load
    from questionnaires import SHIPPED

    path = Path(path) if path else SHIPPED
    if path.is_dir():
        raise ValueError(f"{path}: is a folder, not a questionnaire file")
    if not path.is_file():
        raise ValueError(f"{path}: no such questionnaire file")
    return load(path)


def _min_n(value: int | None) -> int:
    if value is not None:
        return value
    raw = os.environ.get("MIN_GROUP_SIZE", str(DEFAULT_MIN_N)).strip() or str(DEFAULT_MIN_N)
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"MIN_GROUP_SIZE must be a whole number of at least 1, not {raw!r}")
    return int(raw)


_QUESTIONNAIRE = click.option("--questionnaire", "questionnaire_path", type=click.Path(),
                              help="Questionnaire definition (YAML).")
_RESPONSES = click.option("--responses", "responses_path", type=click.Path(), required=True,
                          help="Responses in the wide CSV format.")
_OUT_FILE = click.option("--out", "out", type=click.Path(dir_okay=False, writable=True),
                         required=True,
                         help="Output file: .csv, .xlsx, .json or .sav, in an existing folder.")


@click.command()
@click.option("--pupils", type=click.IntRange(min=1), required=True, help="Respondents.")
@click.option("--districts", type=click.IntRange(min=1), default=24, show_default=True)
@click.option("--schools", type=click.IntRange(min=1), default=None,
              help="Schools (default: one per 400 pupils, at least 5).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files.")
@click.option("--questionnaire", "questionnaire_path", type=click.Path(),
              help="Questionnaire definition (default: the shipped one).")
@click.option("--out", "out", type=click.Path(file_okay=False, writable=True), required=True,
              help="Folder for responses.csv, districts.geojson, enrolment.csv (created if "
                   "missing; its parent folder must exist).")
@_clean_errors
def simulate(pupils, districts, schools, seed, questionnaire_path, out) -> None:
    """Write a synthetic city: responses.csv, districts.geojson, enrolment.csv."""
    from analysis.simulation import simulate_city

    folder_checked(out)
    q = _questionnaire(questionnaire_path)
    city = simulate_city(q, pupils, districts=districts, schools=schools, seed=seed,
                         progress=None)
    with writing(made(Path(out))):
        paths = city.write(out)
    click.echo(f"wrote {pupils} responses ({q.id} {q.version}), {districts} districts and "
               f"{len(city.schools)} schools to {out}: "
               + ", ".join(p.name for p in paths.values()))


@click.command()
@click.option("--questionnaire", "questionnaire_path", type=click.Path(), required=True,
              help="Questionnaire definition (YAML).")
@_RESPONSES
@_OUT_FILE
@_clean_errors
def score(questionnaire_path, responses_path, out) -> None:
    """Write the responses with every scale score, category and index appended."""
    from analysis.files import output_format, read_responses, write_scores
    from analysis.scoring import score as score_responses

    output_format(out)
    file_checked(out)
    q = _questionnaire(questionnaire_path)
    scored = score_responses(read_responses(responses_path, q), q)
    with writing(out):
        write_scores(scored, out, q)
    click.echo(f"wrote {len(scored)} scored responses to {out}")


@click.command()
@click.option("--questionnaire", "questionnaire_path", type=click.Path(), required=True,
              help="Questionnaire definition (YAML).")
@_RESPONSES
@click.option("--enrolment", "enrolment_path", type=click.Path(),
              help="Enrolled pupils per school, grade and gender (CSV with a 'pupils' column): "
                   "the census design's strata and sampling fractions, or the cells the "
                   "schools and classes designs post-stratify their weights to.")
@click.option("--design", "design", type=click.Choice(["census", "schools", "classes"]),
              default=None,
              help="How the pupils were surveyed: census (every school, all pupils asked; "
                   "the default with --enrolment), schools (a sample of schools; the default "
                   "without), classes (some classes of every school).")
@click.option("--df-rule", "df_rule", type=click.Choice(["effective", "r"]), default="effective",
              show_default=True,
              help="Degrees of freedom of the intervals: effective number of schools (covers "
                   "95 %) or R survey's degf (matches R).")
@click.option("--ci-method", "ci_method", type=click.Choice(["logit", "beta"]), default="logit",
              show_default=True,
              help="Interval of the shares: logit (covers 95 % under every design) or beta "
                   "(Korn-Graubard, R svyciprop's method=\"beta\": slightly wider). Shares of "
                   "0 or 1 get the exact (Clopper-Pearson) interval with either.")
@click.option("--by", default="district", show_default=True,
              help="Column to group by, or several separated by commas (e.g. district,school,grade): "
                   "tables released together are protected together.")
@click.option("--cluster", default="school", show_default=True,
              help="Column with the primary sampling unit.")
@click.option("--min-n", "min_n", type=click.IntRange(min=1), default=None,
              help="Smallest group published (default: MIN_GROUP_SIZE or 10).")
@click.option("--previous", "previous_path", type=click.Path(),
              help="Estimates of the previous wave (a CSV written by 'wellbeing analyse'): "
                   "adds the change since then with adjusted p-values.")
@click.option("--submitted-only/--include-unsubmitted", "submitted_only", default=False,
              show_default=True,
              help="Leave out questionnaires that reached the end but were never sent "
                   "(rows with 0 in the responses' 'submitted' column), or include them.")
@_OUT_FILE
@_clean_errors
def analyse(questionnaire_path, responses_path, enrolment_path, design, df_rule, ci_method, by,
            cluster, min_n, previous_path, submitted_only, out) -> None:
    """Write disclosure-controlled estimates by group.

    One row per group and measure: the mean of each scale score and the share
    of each category and index level, with the number of pupils, standard
    error, 95 % confidence interval, the comparison with the whole city, the
    survey design used, and a flag for figures suppressed because they cover
    too few pupils.
    """
    from analysis.designs import build_design
    from analysis.files import (output_format, read_enrolment, read_estimates, read_responses,
                                write_estimates)
    from analysis.pipeline import analyse as estimate
    from analysis.waves import compare_with_previous
    from analysis.scoring import score as score_responses

    output_format(out)
    file_checked(out)
    threshold = _min_n(min_n)
    q = _questionnaire(questionnaire_path)
    responses = read_responses(responses_path, q)
    if submitted_only:
        responses = _submitted(responses)
    groupings = [part.strip() for part in by.split(",") if part.strip()]
    if not groupings:
        raise ValueError("--by: give a column to group by")
    for option, column in [*(("--by", g) for g in groupings), ("--cluster", cluster)]:
        if column not in responses.columns:
            raise ValueError(f"{option} {column!r}: no such column in {Path(responses_path).name}")
    scored = score_responses(responses, q)
    enrolment = read_enrolment(enrolment_path) if enrolment_path else None
    previous = read_estimates(previous_path) if previous_path else None
    built = build_design(scored, design, enrolment, cluster=cluster, df_rule=df_rule)
    for note in built.notes:
        click.echo(note, err=True)
    report = built.cells
    if len(report):
        counts = report["problem"].value_counts()
        click.echo(f"weighting cells: {report['cells'].iloc[0]} used for "
                   f"{counts.get('collapsed', 0)} cells; "
                   f"{counts.get('no respondents', 0)} cells without respondents left out",
                   err=True)
    table = estimate(built.design, q, by=groupings[0] if len(groupings) == 1 else groupings,
                     cluster=cluster, min_n=threshold, ci_method=ci_method)
    if previous is not None:
        table = compare_with_previous(table, previous)
    with writing(out):
        write_estimates(table, out)
    click.echo(f"wrote {len(table)} estimates ({int(table['suppressed'].sum())} suppressed, "
               f"min n {threshold}, {built.name} design) by {by} to {out}")
