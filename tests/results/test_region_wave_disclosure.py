"""A region wave with a small town: nothing of the town's few pupils can be worked out.

Found by attacking a region wave (issue 12): the demo city becomes one of a region's
towns, beside a town with one class of 6 pupils who answered. Every figure of the town
is hidden, and the region total with it; but the shown rows' differences from the
hidden totals gave those totals back (and with them the town's category counts), the
neighbour's wave report printed the region's count beside its own complete response
table, and the reliability appendix printed each scale's n over the whole region.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pandas as pd
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from analysis.questionnaire import DONT_KNOW, load
from analysis.simulation import simulate_city
from questionnaires import SHIPPED
from survey_app.demo.responses import _store
from survey_app.extensions import db
from survey_app.models import (Answer, District, Municipality, Response, ResultEstimate,
                               ResultSet, School, SchoolClass, Wave)
from survey_app.reports.content import wave_content
from survey_app.reports.pdf import report_html
from survey_app.reports.responses import response_rows
from survey_app.services import results, results_counts
from survey_app.services.submitted_answers import join_answers

K = 10


def _town(demo, pupils: int = 6, move_school: str | None = None,
          complete: tuple[str, ...] = ()) -> tuple[int, int]:
    """The demo wave run across the region, with a town of one class; ids of town and city.

    ``complete``: items every pupil is made to have answered (a scale all answered).
    """
    questionnaire = load(SHIPPED)
    wave = db.session.get(Wave, demo.wave_id)
    city = wave.municipality
    town = Municipality(name="Zweitstadt", region_id=city.region_id)
    village = District(municipality=town, code="01", name="Dorfmitte")
    school = School(municipality=town, name="Dorfschule", school_type="realschule")
    db.session.add_all([town, village, school])
    db.session.flush()
    school_class = SchoolClass(wave_id=wave.id, school_id=school.id, name="6a", grade=6,
                               enrolled=pupils + 2)
    db.session.add(school_class)
    wave.municipality_id, wave.region_id = None, city.region_id
    if move_school:
        db.session.scalar(select(School).where(School.name == move_school)).municipality = town
    db.session.flush()
    answers = simulate_city(questionnaire, 30, districts=1, schools=1, seed=77,
                            city_seed=77).responses
    district_item = questionnaire.item_by_role("district").code
    for _, row in answers.head(pupils).iterrows():
        row = row.copy()
        row[district_item] = "01"
        _store(db.session, wave, school_class, questionnaire, row, {"01": str(village.id)},
               dt.date.today())
    db.session.flush()
    if complete:
        _answer_all(wave, complete)
    released = results.compute_results(db.session, wave, questionnaire, min_group_size=K)
    results.release_results(db.session, None, released)
    db.session.commit()
    return town.id, city.id


def _answer_all(wave, items: tuple[str, ...]) -> None:
    for response in db.session.scalars(select(Response).where(Response.wave_id == wave.id,
                                                              Response.status == "submitted")):
        values = {a.item_code: a.value for a in response.answers}
        for item in items:
            if item not in values:
                response.answers.append(Answer(item_code=item, value="2"))
                values[item] = "2"
        response.submitted_answers = join_answers(values)
    db.session.flush()


def _stored(result_set_id: int) -> pd.DataFrame:
    table = ResultEstimate.__table__
    return pd.DataFrame(db.session.execute(select(table).where(
        table.c.result_set_id == result_set_id)).mappings().all())


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_no_shown_row_is_compared_with_a_hidden_total(app, demo):
    with app.test_request_context():
        _town(demo, move_school="Realschule Ostfeld")
        result_set = db.session.scalar(select(ResultSet).where(ResultSet.state == "released"))
        rows = _stored(result_set.id)
    rows["area"] = rows["municipality_id"].fillna(-1)
    totals = rows[rows["group_key"] == "all"].set_index(["area", "group_var", "measure"])
    hidden = totals.index[totals["suppressed"].astype(bool)]
    assert len(hidden), "the attack needs hidden totals: the region's, the city's"
    compared = rows.set_index(["area", "group_var", "measure"]).loc[hidden]
    assert compared[["diff_city", "p_value", "p_adjusted"]].isna().all().all()
    # shown totals keep their comparisons
    shown = totals.index[~totals["suppressed"].astype(bool)]
    others = rows.set_index(["area", "group_var", "measure"]).loc[shown]
    assert others["diff_city"].notna().any()


def test_the_migration_withholds_the_comparisons_stored_before(backend, request, tmp_path):
    """Results released before the fix lose their comparisons with hidden totals."""
    from alembic.script import ScriptDirectory
    from flask_migrate import stamp, upgrade
    from sqlalchemy import update

    from survey_app import MIGRATIONS_DIR
    from tests.conftest import make_app
    from tests.databases import fresh_database_url
    from tests.results.conftest import make_demo

    migration = "results12_0001"
    app = make_app(fresh_database_url(backend, request, tmp_path), tmp_path / "instance")
    with app.test_request_context():
        upgrade()
        _town(make_demo(), move_school="Realschule Ostfeld")
        result_set = db.session.scalar(select(ResultSet).where(ResultSet.state == "released"))
        before = _stored(result_set.id)
        # as the old version stored them: every shown row with its comparison
        shown = before.loc[~before["suppressed"].astype(bool) & (before["group_key"] != "all"),
                           "id"].tolist()
        db.session.execute(update(ResultEstimate).where(ResultEstimate.id.in_(shown))
                           .values(diff_city=0.125, p_value=0.5, p_adjusted=0.75))
        db.session.commit()
        stamp(revision=ScriptDirectory(MIGRATIONS_DIR).get_revision(migration).down_revision)
        upgrade(revision=migration)
        stamp()
        after = _stored(result_set.id).set_index("id")
        db.session.remove()
        db.engine.dispose()
    compared = before.set_index("id")
    withheld = compared["diff_city"].isna() & compared.index.isin(shown)  # by today's rule
    assert withheld.any() and (~withheld & compared.index.isin(shown)).any()
    assert after.loc[withheld[withheld].index, ["diff_city", "p_value", "p_adjusted"]] \
        .isna().all().all()
    kept = withheld[~withheld].index.intersection(shown)
    assert (after.loc[kept, "diff_city"] == 0.125).all()
    assert (after.loc[kept, "p_adjusted"] == 0.75).all()


def _report(result_set, municipality_id: int) -> str:
    with force_locale("en"):
        html = report_html(db.session, wave_content(
            db.session, result_set, db.session.get(Municipality, municipality_id),
            load(SHIPPED)), "en")
    return html


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_neighbours_report_does_not_count_the_small_town(app, demo):
    with app.test_request_context():
        town_id, city_id = _town(demo)
        result_set = db.session.scalar(select(ResultSet).where(ResultSet.state == "released"))
        html = _report(result_set, city_id)
        content = wave_content(db.session, result_set, db.session.get(Municipality, city_id),
                               None)
        rows = response_rows(db.session, content)
        town_rows = response_rows(db.session, wave_content(
            db.session, result_set, db.session.get(Municipality, town_id), None))
    headline = int(re.search(r"(\d+) submitted questionnaires were analysed", html).group(1))
    assert headline == result_set.responses
    shown = sum(row.submitted for row in rows if not row.hidden)
    assert [row.hidden for row in town_rows] == [True]
    # the region's count minus the city's shown rows is more than the town's 6 pupils
    assert headline - shown >= K
    table = re.search(r'id="methods-responses".*?</table>', html, re.S).group(0)
    assert "hidden so that a small group cannot be worked out" in table


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_appendix_gives_no_scale_n_of_a_hidden_region_total(app, demo):
    from survey_app.reports.appendix import scale_appendix

    with app.test_request_context():
        _, city_id = _town(demo)
        result_set = db.session.scalar(select(ResultSet).where(ResultSet.state == "released"))
        region = _stored(result_set.id)
        region = region[(region["group_var"] == "municipality") & (region["group_key"] == "all")
                         & (region["statistic"] == "mean")].set_index("measure")
        appendix = {s.id: s for s in scale_appendix(db.session, result_set, load(SHIPPED), "en")}
        html = _report(result_set, city_id)
    stored = json.loads(result_set.reliability)["scales"]
    assert region["suppressed"].astype(bool).any()
    for entry in stored:
        whole = next(g for g in entry["groups"] if g["group"] == "all")
        shown = appendix[entry["scale"]].reliability[0]
        assert shown.alpha == whole["alpha"]
        if region.loc[entry["scale"], "suppressed"]:
            assert shown.n is None
        else:
            assert shown.n == region.loc[entry["scale"], "n"]
    numbers = re.findall(r'<td>all pupils</td><td class="num">(\d*)</td>', html)
    assert len(numbers) == len(stored) and "" in numbers


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_pages_and_downloads_show_no_comparison_with_a_hidden_total(app, demo):
    """Every planner page of the city and the region, with the measures whose totals are
    hidden shown by their difference from the city: no 500, and no difference printed."""
    from urllib.parse import quote

    from survey_app.models import Region
    from tests.results.conftest import add_planner
    from tests.staff.conftest import login
    from tests.staff.test_headers import crawl

    with app.test_request_context():
        town_id, city_id = _town(demo, move_school="Realschule Ostfeld")
        result_set = db.session.scalar(select(ResultSet).where(ResultSet.state == "released"))
        rows = _stored(result_set.id)
        hidden = rows[(rows["group_key"] == "all") & (rows["group_var"] == "district")
                      & (rows["municipality_id"] == city_id) & rows["suppressed"].astype(bool)]
        measures = sorted(set(hidden["measure"]))
        region_id = db.session.get(Municipality, city_id).region_id
        add_planner("city@example.org", [city_id])
        add_planner("region@example.org", [city_id, town_id])
        assert db.session.get(Region, region_id) is not None
    assert measures, "the test needs a hidden city total"
    base = f"/planner/waves/{demo.wave_id}/municipalities/{city_id}"
    seeds = [f"{base}?measure={quote(m)}&view=difference" for m in measures]
    seeds += [f"{base}/table.csv?measure={quote(m)}" for m in measures]
    problems, visited = [], set()
    adapter = app.url_map.bind("localhost")
    for email in ("city@example.org", "region@example.org"):
        client = app.test_client()
        assert login(client, email).status_code == 302
        problems += crawl(client, ["/planner/", *seeds], visited, adapter, limit=150)
        for measure in measures:
            page = client.get(f"{base}?measure={quote(measure)}&view=difference").text
            assert "The city total of this measure is hidden" in page
            table = client.get(f"{base}/table.csv?measure={quote(measure)}")
            assert table.status_code == 200
            text = table.data.decode("utf-8-sig")
            lines = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in
                                    text.splitlines()[0] else ","))
            header = lines[0]
            compared = [header.index(name) for name in header
                        if name.startswith(("Difference", "Adjusted p", "Significant"))]
            assert len(compared) == 3
            for line in lines[1:len(lines)]:
                if len(line) == len(header):
                    assert [line[i] for i in compared] == ["", "", ""], line
    assert problems == []


def _full_counts(rows: pd.DataFrame, pupils: pd.DataFrame, where) -> dict[str, int]:
    """Per measure every pupil of ``where`` has a value for: those pupils' number."""
    chosen = pupils[where(pupils)]
    return {m: len(chosen) for m in set(rows["measure"]) if m in chosen and chosen[m].notna().all()}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_counts_the_reports_print_give_back_no_hidden_total(app, demo):
    """The reports say how many questionnaires the region had (the headline) and, in
    each town's Table 1, how many its schools had. For a measure every pupil answered,
    these are the region's and the town's ``n``: found by attacking a region wave
    (issue 12), the region total was hidden as a complementary cell, and the headline
    minus the city's shown total was the small town's 6 pupils."""
    from survey_app.reports.responses import marked_tables
    from survey_app.services import results_counted
    from survey_app.services.results_response_table import stored_tables

    with app.test_request_context():
        town_id, city_id = _town(demo, complete=tuple(f"ah_{i}" for i in range(1, 7)))
        result_set = db.session.scalar(select(ResultSet).where(ResultSet.state == "released"))
        rows = _stored(result_set.id)
        pupils = results_counted.load(result_set.counted)
        tables = marked_tables(stored_tables(result_set), K)
        schools = {str(s.id) for s in db.session.scalars(
            select(School).where(School.municipality_id == city_id))}
    rows = rows[rows["statistic"] == "mean"]
    headline = result_set.shown_responses
    assert headline == len(pupils) and all(row.hidden for row in tables[str(town_id)])
    everyone = _full_counts(rows, pupils, lambda p: p["response_id"] > 0)
    assert everyone, "the attack needs measures every pupil answered"
    region = rows[(rows["group_var"] == "municipality") & (rows["group_key"] == "all")]
    region = region.set_index("measure").loc[sorted(everyone)]
    assert not region["suppressed"].astype(bool).any()
    assert (region["n"] == headline).all()
    # so the city's schools' total, the headline minus the town, is hidden instead
    city = rows[(rows["group_var"] == "school") & (rows["group_key"] == "all")
                & (rows["municipality_id"] == city_id)].set_index("measure")
    assert city.loc[sorted(everyone), "suppressed"].astype(bool).all()


def test_the_counts_published_beside_the_tables():
    """The headline; each municipality's and school type's total where its Table 1 rows
    add up to it, or where it is the only unknown part of a known total."""
    def row(school_type, answered):
        return [school_type, 6, answered + 2, answered]

    one = {"7": [row("gymnasium", 30), row("gymnasium", 40), row(None, 12)]}
    assert results_counts.published_counts(82, one, K) == {
        ("all", "all"): 82, ("school_mun", "7"): 82, ("school_type", "gymnasium@7"): 70,
        ("school_type", "@7"): 12}
    assert results_counts.published_counts(None, one, K) == {
        ("school_mun", "7"): 82, ("school_type", "gymnasium@7"): 70, ("school_type", "@7"): 12}
    assert results_counts.published_counts(82, None, K) == {("all", "all"): 82}
    # a town of 6: its row and the smallest of the city's are hidden, so neither total is
    # known, and of the city's types only the one with no hidden row
    region = {"7": [row("gymnasium", 30), row("gymnasium", 40), row("realschule", 12)],
              "8": [row("realschule", 6)]}
    assert results_counts.published_counts(88, region, K) == {
        ("all", "all"): 88, ("school_type", "gymnasium@7"): 70}
    # rows hidden in one municipality only: the headline minus the others gives its total,
    # and that minus its other types the type with hidden rows
    inside = {"7": [row("gymnasium", 30), row("gymnasium", 40)],
              "8": [row("realschule", 4), row("realschule", 6), row("gymnasium", 50)]}
    assert results_counts.published_counts(130, inside, K) == {
        ("all", "all"): 130, ("school_mun", "7"): 70, ("school_type", "gymnasium@7"): 70,
        ("school_mun", "8"): 60, ("school_type", "gymnasium@8"): 50,
        ("school_type", "realschule@8"): 10}
    # answers outside the tables: the remainder is not one municipality's
    assert results_counts.published_counts(140, inside, K) == {
        ("all", "all"): 140, ("school_mun", "7"): 70, ("school_type", "gymnasium@7"): 70,
        ("school_type", "gymnasium@8"): 50}
    # a school whose every grade is a shown row of its own (B: grade 8 of its type), and
    # the last school of a type whose sum is known (A)
    rows = {"7": [row("hauptschule", 11), row("hauptschule", 30), row("gymnasium", 50)]}
    rows["7"][1][1], rows["7"][2][1] = 8, 5
    schools = {1: ("7", "hauptschule", {6}, 11), 2: ("7", "hauptschule", {8}, 30),
               3: ("7", "gymnasium", {5}, 40), 4: ("7", "gymnasium", {5, 6}, 10)}
    counts = results_counts.published_counts(91, rows, K, schools)
    assert counts[("school", "1")] == 11 and counts[("school", "2")] == 30
    assert ("school", "3") not in counts and ("school", "4") not in counts
