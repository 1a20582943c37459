"""No figure of a hidden group on the planner's overview, its map or its downloads (issue 10,
"Done when"): the demo's results with a high threshold, every measure, both map colourings."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.extensions import db
from survey_app.models import District, ResultEstimate, Wave
from survey_app.services.frames import responses_frame
from tests.results.conftest import add_planner, release_demo_results
from tests.staff.conftest import login

THRESHOLD = 40  # the demo's districts have 18-54 pupils: many are hidden


def _hidden_phrases(text: str) -> str:
    """The text without tags and the phrases that explain a hidden figure (they name the
    threshold)."""
    text = re.sub(r"<[^>]*>", " ", text)
    for phrase in (f"fewer than {THRESHOLD} pupils", "hidden so that a small group cannot be "
                   "worked out", "(hidden)"):
        text = text.replace(phrase, "")
    return text


def test_no_figure_of_a_hidden_group_anywhere(app, demo):
    with app.app_context():
        result_id = release_demo_results(min_group_size=THRESHOLD)
        wave = db.session.get(Wave, demo.wave_id)
        frame = responses_frame(db.session, wave, load(SHIPPED), keys=True)
        pupils = frame["district_id"].value_counts()
        names = {d.id: d.name for d in db.session.scalars(select(District).where(
            District.municipality_id == demo.municipality_id))}
        small = {names[i] for i in names if pupils.get(i, 0) < THRESHOLD}
        hidden: dict[str, set[str]] = {}
        for measure, district_id, key in db.session.execute(
                select(ResultEstimate.measure, ResultEstimate.district_id,
                       ResultEstimate.group_key)
                .where(ResultEstimate.result_set_id == result_id,
                       ResultEstimate.group_var == "district",
                       ResultEstimate.suppressed.is_(True))):
            hidden.setdefault(measure, set()).add(
                names.get(district_id) or ("Don't know" if key == "dont_know" else key))
        measures = list(db.session.scalars(select(ResultEstimate.measure).where(
            ResultEstimate.result_set_id == result_id).distinct()))
        add_planner("planer@example.org", [demo.municipality_id])
    assert small and (frame["district"] == "dont_know").sum() < THRESHOLD
    client = app.test_client()
    login(client, "planer@example.org")
    base = f"/planner/waves/{demo.wave_id}/municipalities/{demo.municipality_id}"
    checked = 0
    for measure in measures:
        # every truly small group is hidden in every measure
        assert small | {"Don't know"} <= hidden.get(measure, set()), measure
        for view in ("level", "difference"):
            page = client.get(base, query_string={"measure": measure, "view": view}).text
            for name in hidden[measure]:
                shown = name.replace("'", "&#39;")
                row = re.search(rf'<th scope="row">(?:<a [^>]*>)?{re.escape(shown)}(?:</a>)?</th>'
                                r'(.*?)</tr>', page, re.S)
                assert row and not re.search(r"\d", _hidden_phrases(row.group(1))), \
                    (measure, name, row and row.group(1))
                for label in re.findall(rf"<title>{re.escape(shown)}: ([^<]*)</title>", page) \
                        + re.findall(rf'aria-label="{re.escape(shown)}: ([^"]*)"', page):
                    assert not re.search(r"\d", _hidden_phrases(label)), (measure, name, label)
                checked += 1
        table = list(csv.reader(io.StringIO(client.get(
            f"{base}/table.csv", query_string={"measure": measure}).data.decode("utf-8-sig"))))
        sheet = load_workbook(io.BytesIO(client.get(
            f"{base}/table.xlsx", query_string={"measure": measure}).data)).active
        workbook_rows = [[c.value for c in row] for row in sheet.iter_rows()]
        for rows, empty in ((table, ""), (workbook_rows, None)):
            for row in rows:
                if len(row) > 2 and row[1] in hidden[measure]:
                    assert all(value == empty for value in row[2:11]), (measure, row)
                    checked += 1
    assert checked > 500
    # each district's profile: a hidden measure shows no figure of the district
    for district_id, name in names.items():
        url = f"{base}/districts/{district_id}"
        page = client.get(url).text
        profile = list(csv.reader(io.StringIO(client.get(f"{url}/table.csv").data
                                              .decode("utf-8-sig"))))
        header = profile[0]
        city_column, note_column = header.index("City total"), header.index("Note")
        expected = {m for m, hidden_names in hidden.items()
                    if name in hidden_names and ("_category=" not in m)}
        hidden_rows = [row for row in profile[1:] if row[note_column]]
        assert len(hidden_rows) == len(expected), name
        for row in hidden_rows:
            assert all(value == "" for i, value in enumerate(row[3:note_column], start=3)
                       if i != city_column), (name, row)
        for cell in re.findall(r'<td colspan="4" class="hidden-group">([^<]*)</td>\s*'
                               r'<td class="num">[^<]*</td>\s*<td class="num">([^<]*)</td>'
                               r'\s*<td class="num">([^<]*)</td>', page):
            assert not re.search(r"\d", _hidden_phrases(cell[0])) and cell[1:] == ("–", "–")
            checked += 1
        assert page.count('class="hidden-group"') == len(expected)
