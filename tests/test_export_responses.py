"""From stored answers to ``wellbeing analyse``: the wide export of a wave (design §4)."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from analysis.pipeline import analyse
from analysis.questionnaire import load
from analysis.files import read_enrolment, read_responses
from analysis.scoring import score
from questionnaires import SHIPPED
from survey_app.demo.responses import ensure_demo_responses
from survey_app.demo.seed import ensure_demo_city
from survey_app.cli import main
from survey_app.extensions import db
from survey_app.models import Answer, District, Response, SchoolClass, Wave


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
        in_progress.status, in_progress.submitted_on = "in_progress", None
        in_progress.furthest_page = 2  # stopped early: not exported
        db.session.commit()
        district_codes = set(db.session.scalars(select(District.code)))
        text_items = [i.code for i in questionnaire.items if i.type == "text"]
        stored = db.session.scalar(select(func.count()).select_from(Answer).join(Response)
                                   .where(Response.status == "submitted",
                                          Answer.item_code.not_in(text_items)))

    out = tmp_path / "responses.csv"
    result = wellbeing(app, "export", "responses", "--wave", wave_name, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {added - 1} submitted responses and 0 not submitted" in result.output

    frame = read_responses(out, questionnaire)  # the analysis's own checks pass
    assert list(frame.columns[:9]) == ["response_id", "wave", "school", "class", "district",
                                       "grade", "gender", "language", "submitted"]
    assert set(frame["submitted"]) == {1}
    assert sorted(frame["response_id"].astype(int)) == list(range(1, added))
    assert set(frame["district"].dropna()) <= district_codes | {"dont_know"}
    assert "wish_district" not in frame.columns  # free text stays on the server
    raw = pd.read_csv(out, dtype=str)
    answered = raw.drop(columns=["response_id", "wave", "school", "class", "language",
                                 "submitted"]).notna()
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


def _demo_wave(app, questionnaire):
    """The demo city with answered surveys; returns the wave's name."""
    with app.app_context():
        city = ensure_demo_city(db.session, questionnaire)
        ensure_demo_responses(db.session, city.wave, questionnaire, city.first_class)
        db.session.commit()
        return city.wave.name


def _unsend(app, furthest_pages: list[int]) -> None:
    """Turn the first submitted responses into unsent ones that stopped after those pages."""
    with app.app_context():
        rows = db.session.scalars(select(Response).where(Response.status == "submitted")
                                  .order_by(Response.id).limit(len(furthest_pages))).all()
        for row, furthest in zip(rows, furthest_pages):
            row.status, row.submitted_on, row.furthest_page = "in_progress", None, furthest
        db.session.commit()


def test_unsent_questionnaires_that_reached_the_end_are_exported_as_not_submitted(app, tmp_path):
    questionnaire = load(SHIPPED)
    pages = len(questionnaire.pages)
    wave_name = _demo_wave(app, questionnaire)
    with app.app_context():
        submitted = db.session.scalar(select(func.count()).select_from(Response)
                                      .where(Response.status == "submitted"))
    # two on the last page, one halfway through, one that stopped on page 1
    _unsend(app, [pages - 1, pages - 1, pages // 2, 0])

    out = tmp_path / "all.csv"
    result = wellbeing(app, "export", "responses", "--wave", wave_name, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {submitted - 4} submitted responses and 2 not submitted" in result.output
    frame = read_responses(out, questionnaire)
    assert frame["submitted"].value_counts().to_dict() == {1: submitted - 4, 0: 2}

    half = tmp_path / "half.csv"
    result = wellbeing(app, "export", "responses", "--wave", wave_name, "--out", str(half),
                       "--min-progress", "0.5")
    assert result.exit_code == 0, result.output
    assert (read_responses(half, questionnaire)["submitted"] == 0).sum() == 3

    only = tmp_path / "only.csv"
    result = wellbeing(app, "export", "responses", "--wave", wave_name, "--out", str(only),
                       "--submitted-only")
    assert result.exit_code == 0, result.output
    only_frame = read_responses(only, questionnaire)
    assert len(only_frame) == submitted - 4 and "submitted" not in only_frame.columns

    result = wellbeing(app, "export", "responses", "--wave", wave_name, "--out", str(only),
                       "--min-progress", "1.5")
    assert result.exit_code == 2 and "--min-progress" in result.output

    # the analysis decides: by default it counts the unsent ones, --submitted-only drops them
    estimates = {}
    for flag in ("--include-unsubmitted", "--submitted-only"):
        target = tmp_path / f"estimates{flag}.csv"
        result = wellbeing(app, "analyse", "--questionnaire", str(SHIPPED), "--responses",
                           str(out), "--by", "wave", "--min-n", "1", "--out", str(target), flag)
        assert result.exit_code == 0, result.output
        estimates[flag] = pd.read_csv(target)
    n_all = estimates["--include-unsubmitted"]["n"].max()
    n_sent = estimates["--submitted-only"]["n"].max()
    assert n_all - n_sent == 2


def test_a_bad_submitted_column_gets_a_message(app, tmp_path):
    questionnaire = load(SHIPPED)
    wave_name = _demo_wave(app, questionnaire)
    out = tmp_path / "r.csv"
    assert wellbeing(app, "export", "responses", "--wave", wave_name,
                     "--out", str(out)).exit_code == 0
    raw = pd.read_csv(out, dtype=str)
    raw.loc[3, "submitted"] = "maybe"
    raw.to_csv(out, index=False)
    result = wellbeing(app, "analyse", "--questionnaire", str(SHIPPED), "--responses", str(out),
                       "--submitted-only", "--out", str(tmp_path / "e.csv"))
    assert result.exit_code == 1
    assert "'submitted' must hold 1 or 0; line 5 has 'maybe'" in result.output


def test_enrolment_export_sums_the_classes_and_weights_the_analysis(app, tmp_path):
    questionnaire = load(SHIPPED)
    wave_name = _demo_wave(app, questionnaire)
    with app.app_context():
        first = db.session.scalar(select(SchoolClass).join(Wave).where(Wave.name == wave_name)
                                  .order_by(SchoolClass.id))
        first.enrolled = None  # unknown: left out and reported, not counted as 0
        db.session.commit()
        expected = {}
        for school_class in db.session.scalars(select(SchoolClass).join(Wave)
                                               .where(Wave.name == wave_name)):
            if school_class.enrolled is not None:
                key = (school_class.school.name, school_class.grade)
                expected[key] = expected.get(key, 0) + school_class.enrolled

    enrolment = tmp_path / "enrolment.csv"
    result = wellbeing(app, "export", "enrolment", "--wave", wave_name, "--out", str(enrolment))
    assert result.exit_code == 0, result.output
    assert "1 classes have no enrolled count" in result.output
    table = read_enrolment(enrolment)
    assert list(table.columns) == ["school", "grade", "pupils"]
    assert {(s, int(g)): int(n) for s, g, n in table.itertuples(index=False)} == expected

    responses = tmp_path / "responses.csv"
    assert wellbeing(app, "export", "responses", "--wave", wave_name,
                     "--out", str(responses)).exit_code == 0
    estimates = tmp_path / "estimates.csv"
    result = wellbeing(app, "analyse", "--questionnaire", str(SHIPPED), "--responses",
                       str(responses), "--enrolment", str(enrolment), "--min-n", "5",
                       "--out", str(estimates))
    assert result.exit_code == 0, result.output
    assert pd.read_csv(estimates)["estimate"].notna().any()

    result = wellbeing(app, "export", "enrolment", "--wave", "Nope", "--out", str(enrolment))
    assert result.exit_code == 1 and "no wave named 'Nope'" in result.output
