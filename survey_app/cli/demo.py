"""``wellbeing demo``: a ready-to-try instance on the embedded SQLite database."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

DEMO_CODES = 5

#: The demo server: 8 threads, and no ``Server`` banner naming the software.
WAITRESS_OPTIONS = {"threads": 8, "ident": ""}


def register(group: click.Group) -> None:
    """Add the ``demo`` command to the ``wellbeing`` group."""
    group.add_command(demo)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to serve on.")
@click.option("--no-serve", is_flag=True, help="Set up and print the codes, but do not serve.")
@with_appcontext
def demo(host: str, port: int, no_serve: bool) -> None:
    """Set up the demo city (keeping existing data), print codes, and serve the app."""
    from flask_migrate import upgrade

    from analysis.questionnaire import QuestionnaireError, load
    from questionnaires import SHIPPED
    from survey_app.demo.accounts import ensure_demo_accounts
    from survey_app.demo.indicators import ensure_demo_indicators
    from survey_app.demo.previous_wave import ensure_previous_wave
    from survey_app.demo.responses import ensure_demo_responses
    from survey_app.demo.results import ensure_demo_results
    from survey_app.demo.seed import ensure_demo_city
    from survey_app.extensions import db
    from survey_app.services.access_codes import generate_codes

    upgrade()
    try:
        questionnaire = load(SHIPPED)
    except QuestionnaireError as error:
        raise click.ClickException(f"the shipped questionnaire does not validate:\n{error}")
    city = ensure_demo_city(db.session, questionnaire)
    simulated = ensure_demo_responses(db.session, city.wave, questionnaire, city.first_class)
    earlier = ensure_previous_wave(db.session, questionnaire, current_app.config["MIN_GROUP_SIZE"])
    released = ensure_demo_results(db.session, city.wave, questionnaire,
                                   current_app.config["MIN_GROUP_SIZE"])
    ensure_demo_indicators(db.session, city.wave, questionnaire)
    codes = generate_codes(db.session, city.first_class, DEMO_CODES)
    school = city.first_class.school
    accounts = ensure_demo_accounts(db.session, school, school.municipality)
    db.session.commit()

    url = f"http://{host}:{port}/"
    click.echo(f"Database: {current_app.config['SQLALCHEMY_DATABASE_URI']}")
    click.echo(f"Wave: {city.wave.name} ({questionnaire.id} {questionnaire.version})"
               + (f", {simulated} simulated answered surveys added" if simulated else ""))
    if earlier is not None:
        click.echo(f"Earlier wave for trends: {earlier.wave.name}, {earlier.responses} answered "
                   "surveys, results released")
    if released is not None:
        click.echo(f"Results of {city.wave.name} computed and released to the planner "
                   f"({released.responses} answered surveys)")
    click.echo(f"Unused pupil codes ({city.first_class.school.name}, class "
               f"{city.first_class.name}):")
    for code in codes:
        click.echo(f"  {code}")
    click.echo(f"Open {url} and enter one of the codes.")
    click.echo(f"Staff login: {url}staff/login (new passwords on every run)")
    for account in accounts:
        click.echo(f"  {account.role:<12} {account.email}  password: {account.password}"
                   f"  ({account.scope})")
    if no_serve:
        return
    from waitress import serve

    serve(current_app._get_current_object(), host=host, port=port, **WAITRESS_OPTIONS)
