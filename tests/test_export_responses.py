"""From stored answers to ``wellbeing analyse``: the wide export of a wave (design §4)."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from analysis.pipeline import analyse
from analysis.questionnaire import load
from analysis.reading import read_responses
from analysis.scoring import score
from questionnaires import SHIPPED
from survey_app.demo.responses import ensure_demo_responses
from survey_app.demo.seed import ensure_demo_city
from survey_app.cli import main
from survey_app.extensions import db
from survey_app.models import Answer, District, Response


def wellbeing(app, *args: str):
    """Run a ``wellbeing`` command against the test app."""
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_a_wave_exports_to_the_wide_format_the_analysis_reads(app, tmp_path):
    questionnaire = load(SHIPPED)
    with app.app_context():
        city = ensure_demo_city(db.session, questionnaire)
        added = ensure_demo_responses(db.session, city.wave, questionnaire, city.first_class)
        db.session.commit()
        wave_name = city.wave.name
        in_progress = db.session.scalar(select(Response).where(Response.status == "submitted"))
        in_progress.status, in_progress.submitted_on = "in_progress", None  # not exported
        db.session.commit()
        district_codes = set(db.session.scalars(select(District.code)))
        text_items = [i.code for i in questionnaire.items if i.type == "text"]
        stored = db.session.scalar(select(func.count()).select_from(Answer).join(Response)
                                   .where(Response.status == "submitted",
                                          Answer.item_code.not_in(text_items)))

    out = tmp_path / "responses.csv"
    result = wellbeing(app, "export", "responses", "--wave", wave_name, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {added - 1} submitted responses" in result.output

    frame = read_responses(out, questionnaire)  # the analysis's own checks pass
    assert list(frame.columns[:8]) == ["response_id", "wave", "school", "class", "district",
                                       "grade", "gender", "language"]
    assert sorted(frame["response_id"].astype(int)) == list(range(1, added))
    assert set(frame["district"].dropna()) <= district_codes | {"dont_know"}
    assert "wish_district" not in frame.columns  # free text stays on the server
    raw = pd.read_csv(out, dtype=str)
    answered = raw.drop(columns=["response_id", "wave", "school", "class", "language"]).notna()
    assert int(answered.to_numpy().sum()) == stored  # every stored answer, once
    table = analyse(score(frame, questionnaire), questionnaire, min_n=10)
    assert table["estimate"].notna().any() and table["suppressed"].any()


def test_unknown_wave_and_bad_extension_get_messages(app, tmp_path):
    result = wellbeing(app, "export", "responses", "--wave", "Nope", "--out",
                       str(tmp_path / "x.csv"))
    assert result.exit_code == 1 and "no wave named 'Nope'" in result.output
    result = wellbeing(app, "export", "responses", "--wave", "Nope", "--out",
                       str(tmp_path / "x.txt"))
    assert result.exit_code == 1 and "unknown file type" in result.output
    assert not (tmp_path / "x.csv").exists()
