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


def _questionnaire(path: str | None):
    from analysis.questionnaire import load
    from questionnaires import SHIPPED

    path = Path(path) if path else SHIPPED
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
_OUT_FILE = click.option("--out", "out", type=click.Path(), required=True,
                         help="Output file: .csv, .xlsx, .json or .sav.")


@click.command()
@click.option("--pupils", type=click.IntRange(min=1), required=True, help="Respondents.")
@click.option("--districts", type=click.IntRange(min=1), default=24, show_default=True)
@click.option("--schools", type=click.IntRange(min=1), default=None,
              help="Schools (default: one per 400 pupils, at least 5).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files.")
@click.option("--questionnaire", "questionnaire_path", type=click.Path(),
              help="Questionnaire definition (default: the shipped one).")
@click.option("--out", "out", type=click.Path(file_okay=False), required=True,
              help="Directory for responses.csv, districts.geojson, enrolment.csv.")
@_clean_errors
def simulate(pupils, districts, schools, seed, questionnaire_path, out) -> None:
    """Write a synthetic city: responses.csv, districts.geojson, enrolment.csv."""
    from analysis.simulate import simulate_city

    q = _questionnaire(questionnaire_path)
    city = simulate_city(q, pupils, districts=districts, schools=schools, seed=seed,
                         progress=None)
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
    from analysis.exporting import output_format, write_scores
    from analysis.reading import read_responses
    from analysis.scoring import score as score_responses

    output_format(out)
    q = _questionnaire(questionnaire_path)
    scored = score_responses(read_responses(responses_path, q), q)
    write_scores(scored, out, q)
    click.echo(f"wrote {len(scored)} scored responses to {out}")


@click.command()
@click.option("--questionnaire", "questionnaire_path", type=click.Path(), required=True,
              help="Questionnaire definition (YAML).")
@_RESPONSES
@click.option("--enrolment", "enrolment_path", type=click.Path(),
              help="Enrolled pupils per school, grade and gender (CSV with a 'pupils' column); "
                   "weights are post-stratified to it.")
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
@_OUT_FILE
@_clean_errors
def analyse(questionnaire_path, responses_path, enrolment_path, by, cluster, min_n,
            previous_path, out) -> None:
    """Write disclosure-controlled estimates by group (design section 4 columns)."""
    from analysis.estimation import survey_design
    from analysis.exporting import output_format, write_estimates
    from analysis.enrolment_weights import weight_to_enrolment
    from analysis.pipeline import analyse as estimate
    from analysis.reading import read_enrolment, read_responses
    from analysis.scoring import score as score_responses

    output_format(out)
    threshold = _min_n(min_n)
    q = _questionnaire(questionnaire_path)
    responses = read_responses(responses_path, q)
    groupings = [part.strip() for part in by.split(",") if part.strip()]
    if not groupings:
        raise ValueError("--by: give a column to group by")
    for option, column in [*(("--by", g) for g in groupings), ("--cluster", cluster)]:
        if column not in responses.columns:
            raise ValueError(f"{option} {column!r}: no such column in {Path(responses_path).name}")
    scored = score_responses(responses, q)
    if enrolment_path:
        data, report = weight_to_enrolment(scored, read_enrolment(enrolment_path), cluster=cluster)
        if len(report):
            counts = report["problem"].value_counts()
            click.echo(f"weighting: {report['cells'].iloc[0]} used for "
                       f"{counts.get('collapsed', 0)} cells; "
                       f"{counts.get('no respondents', 0)} cells without respondents left out",
                       err=True)
    elif "weight" in scored.columns:
        data = survey_design(scored, cluster=cluster, weights="weight")
    else:
        data = scored
    table = estimate(data, q, by=groupings[0] if len(groupings) == 1 else groupings,
                     cluster=cluster, min_n=threshold)
    if previous_path:
        from analysis.pipeline import compare_with_previous
        from analysis.reading import read_estimates

        table = compare_with_previous(table, read_estimates(previous_path))
    write_estimates(table, out)
    click.echo(f"wrote {len(table)} estimates ({int(table['suppressed'].sum())} suppressed, "
               f"min n {threshold}) by {by} to {out}")
