"""The wave report PDF (issue 9, item 1): rendered from the stored results, German and
English, with maps, tables, page numbers and a table of contents; no figure of a hidden
group."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from flask_babel import force_locale, format_decimal
from pypdf import PdfReader

from tests.reports.conftest import OTHER, planner_client


def _url(stored, lang: str) -> str:
    return (f"/planner/waves/{stored.wave_id}/municipalities/{stored.municipality_id}/"
            f"report-{lang}.pdf")


def _text(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [page.extract_text() or "" for page in reader.pages]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_wave_report_shows_the_stored_figures_and_no_hidden_one(app, stored, tmp_path, lang):
    response = planner_client(app).get(_url(stored, lang))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader, pages = _text(response.data)
    text = "\n".join(pages)
    assert len(reader.pages) >= 6
    # title, contents with page numbers, methods with the threshold
    assert "Musterstadt" in pages[0]
    assert ("Inhalt" if lang == "de" else "Contents") in pages[1]
    assert re.search(r"(Methode|Methods)\s*\.*\s*\d+", pages[1])
    assert ("fewer than 40 pupils" if lang == "en" else "weniger als 40 Schüler/innen") in text
    # page numbers "k / N" on the later pages
    assert re.search(rf"\b3 / {len(reader.pages)}\b", pages[2])
    # every district is named; every shown mean of a district is printed as stored
    for name in stored.names.values():
        assert name in text, name
    flat = re.sub(r"\s+", "", text)
    with app.test_request_context(), force_locale(lang):
        shown = [(key, row) for key, row in stored.rows.items()
                 if not row["suppressed"] and "=" not in key[1] and row["district_id"]]
        assert shown
        for (name, measure), row in shown:
            assert format_decimal(row["estimate"], "#,##0.00") in flat, (name, measure)
        # the hidden groups: the threshold hides many, and the table shows a dot, no number
        hidden = [key for key in stored.hidden() if "=" not in key[1] and key[0] in
                  stored.names.values()]
        assert len(hidden) > 5
    # the first pages render (maps and tables are drawn, not only text)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "6", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=120)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == 6 and all(p.stat().st_size > 1000 for p in pngs)


def test_hidden_rows_of_the_area_tables_hold_no_number(app, stored):
    """Each table row of a district whose groups are all hidden has no digit at all."""
    _reader, pages = _text(planner_client(app).get(_url(stored, "en")).data)
    text = "\n".join(pages)
    fully_hidden = {name for name in stored.names.values()
                    if all(row["suppressed"] for (n, m), row in stored.rows.items()
                           if n == name and "=" not in m)}
    assert fully_hidden  # the demo has districts below the threshold
    for name in fully_hidden:
        for line in text.splitlines():
            if line.startswith(name + " ") and "·" in line:
                assert not re.search(r"\d", line[len(name):]), line


def test_a_planner_of_another_municipality_gets_404(app, stored):
    client = planner_client(app, OTHER)
    for lang in ("de", "en"):
        assert client.get(_url(stored, lang)).status_code == 404
    assert planner_client(app).get(_url(stored, "fr")).status_code == 404


def test_hidden_districts_are_hatched_on_every_map(app, stored):
    """Each map defines the hatching its hidden districts are filled with (as on the page)."""
    from survey_app.extensions import db
    from survey_app.models import Municipality, ResultSet, ResultEstimate
    from survey_app.reports.content import wave_content
    from survey_app.reports.pdf import report_html
    from sqlalchemy import select
    from analysis.questionnaire import load
    from questionnaires import SHIPPED

    with app.test_request_context():
        result_set = db.session.scalar(select(ResultSet).join(ResultEstimate).where(
            ResultEstimate.municipality_id == stored.municipality_id))
        content = wave_content(db.session, result_set,
                               db.session.get(Municipality, stored.municipality_id),
                               load(SHIPPED))
        html = report_html(db.session, content, "en")
    maps = re.findall(r'<svg class="choropleth".*?</svg>', html, re.S)
    assert len(maps) >= 10
    for drawn in maps:
        used = set(re.findall(r'fill="url\(#([^)]+)\)"', drawn))
        assert used, "a hidden district on every map at this threshold"
        for pattern in used:
            assert f'id="{pattern}"' in drawn
    assert len({p for m in maps for p in re.findall(r'id="(hatch-[^"]+)"', m)}) == len(maps)


def test_response_table_shows_no_count_of_a_small_group(app, stored):
    """Methods page: a school type and grade with fewer answers than the threshold shows
    "fewer than K" instead of its counts and rate."""
    from survey_app.extensions import db
    from survey_app.models import Municipality, ResultEstimate, ResultSet
    from survey_app.reports.content import wave_content
    from survey_app.reports.pdf import report_html
    from survey_app.reports.responses import response_rows
    from sqlalchemy import select

    with app.test_request_context():
        result_set = db.session.scalar(select(ResultSet).join(ResultEstimate).where(
            ResultEstimate.municipality_id == stored.municipality_id))
        content = wave_content(db.session, result_set,
                               db.session.get(Municipality, stored.municipality_id), None)
        rows = response_rows(db.session, content)
        html = report_html(db.session, content, "en")
    small = [r for r in rows if r.submitted < 40]
    large = [r for r in rows if r.submitted >= 40 and r.enrolled >= 40]
    assert small and large
    table = re.search(r'id="methods-responses".*?</table>', html, re.S).group(0)
    lines = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    for row in small:
        line = next(li for li in lines if re.search(rf'class="num">{row.grade}</td>', li)
                    and re.search(r"fewer than 40", li) and ">" + str(row.submitted) + "<"
                    not in li)
        assert line
    assert sum("fewer than 40" in li for li in lines) == len(small)


@pytest.mark.parametrize("answered, hidden", [
    ([3, 50, 60], [True, True, False]),           # 3 = total - 50 - 60: hide 50 too
    ([3, 4, 50, 60], [True, True, True, False]),  # 3 + 4 = 7 together: still too few
    ([6, 7, 50], [True, True, False]),            # 13 together: neither can be worked out
    ([0, 30, 40], [True, False, False]),          # nobody answered there: nothing to protect
    ([30, 40], [False, False]),
])
def test_no_hidden_row_of_the_response_table_is_the_total_minus_the_shown_ones(answered, hidden):
    """Found by attacking the report (issue 12): it prints how many questionnaires were
    analysed, and one hidden row was that total minus the shown rows."""
    from survey_app.reports.responses import ResponseRow, hide_small_rows

    rows = [ResponseRow("gymnasium", 5 + i, max(n, 10) + 5, n) for i, n in enumerate(answered)]
    hide_small_rows(rows, 10)
    assert [row.hidden for row in rows] == hidden
    assert all(row.rate(10) is None for row in rows if row.hidden)
    worked_out = sum(row.submitted for row in rows if row.hidden)
    assert worked_out == 0 or worked_out >= 10
