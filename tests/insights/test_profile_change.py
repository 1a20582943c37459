"""The district profile's change since the previous comparable wave, its social indicators
and its summary by area, on the page, in the download and in the district report (PDF)
(issue 10 item 3, issue 9 item 2)."""

from __future__ import annotations

import csv
import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from survey_app.demo.indicators import INDICATOR as DEMO_INDICATOR
from survey_app.extensions import db
from survey_app.models import District, DistrictIndicator, ResultEstimate
from tests.insights.conftest import earlier_release, logged_in, make_released
from tests.insights.test_trends_and_views import _changed_questionnaire

SHIFT = 0.3  # the earlier wave's means are this much lower


def _earlier_wave(r, tmp_path, hidden_measure: str, district_id: int) -> None:
    """A wave two years before the released one, from a questionnaire whose sadness scale
    has other cut-offs, with every mean lower by ``SHIFT`` and one measure of the district
    hidden."""
    hidden = db.session.scalar(select(ResultEstimate.group_key).where(
        ResultEstimate.result_set_id == r.result_set_id,
        ResultEstimate.district_id == district_id))
    earlier_release(r.result_set_id, shift=SHIFT,
                    questionnaire=_changed_questionnaire(tmp_path),
                    hide={(hidden, hidden_measure)})


def _cells(page: str, label: str) -> list[str]:
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    assert row, label
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_profile_shows_change_indicators_and_summary_everywhere(app, tmp_path):
    with app.app_context():
        r = make_released()
        district = db.session.scalars(select(District).where(
            District.municipality_id == r.municipality_id).order_by(District.code)).first()
        district_id, name = district.id, district.name
        own = {e.measure: e for e in db.session.scalars(select(ResultEstimate).where(
            ResultEstimate.result_set_id == r.result_set_id,
            ResultEstimate.district_id == district_id))}
        assert not own["life_satisfaction"].suppressed and not own["optimism"].suppressed
        _earlier_wave(r, tmp_path, "optimism", district_id)
        value = db.session.scalar(select(DistrictIndicator.value).where(
            DistrictIndicator.district_id == district_id,
            DistrictIndicator.indicator == DEMO_INDICATOR))
    app.config["QUESTIONNAIRE_DIRS"] += f":{tmp_path}"
    planner = logged_in(app, r.emails["planner"])
    url = f"/planner/waves/{r.wave_id}/municipalities/{r.municipality_id}/districts/{district_id}"
    page = planner.get(url).text
    assert "Change since Musterstadt 2024" in page
    # an unchanged scale: the difference is the shift, with its adjusted p-value
    cells = _cells(page, "Life satisfaction (mean)")
    assert cells[-2].startswith("+0.30") and re.match(r"^(<\s)?0\.\d{3}$", cells[-1])
    # hidden in the earlier wave: no difference, although both waves have the scale
    assert _cells(page, "Optimism (mean)")[-2:] == ["–", "–"]
    # sadness was defined differently then: never compared
    assert _cells(page, "Sadness (mean)")[-2:] == ["–", "–"]
    # the social indicator, and the summary names areas
    assert DEMO_INDICATOR.replace("(", "").split()[0] in page and "Social indicators" in page
    assert f"{value:.2f}".rstrip("0").rstrip(".") in page.replace(",", "")
    summary = re.search(r'<section class="summary".*?</section>', page, re.S).group(0)
    for sentence in re.findall(r"city: (.*?)\.</p>", summary):
        assert re.match(r"^(Environments|Wellbeing|Development|Indices|Other): ", sentence)
    # the download has the change too
    table = list(csv.reader(io.StringIO(planner.get(f"{url}/table.csv").data
                                        .decode("utf-8-sig"))))
    heads = table[0]
    life = next(row for row in table if row[1] == "Life satisfaction (mean)")
    assert life[heads.index("Previous wave")] == "Musterstadt 2024"
    assert abs(float(life[heads.index("Change since the previous wave")]) - SHIFT) < 1e-6
    sad = next(row for row in table if row[1] == "Sadness (mean)")
    assert sad[heads.index("Change since the previous wave")] == ""
    # the district report draws the same body: change column and indicator
    report = planner.get(f"{url}/report-en.pdf")
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(report.data)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Musterstadt 2024" in text and "+0.30" in text and "Social indicators" in text


def test_a_wave_without_a_previous_one_shows_no_change(app):
    with app.app_context():
        r = make_released()
        district_id = db.session.scalars(select(District.id).where(
            District.municipality_id == r.municipality_id)).first()
    planner = logged_in(app, r.emails["planner"])
    page = planner.get(f"/planner/waves/{r.wave_id}/municipalities/{r.municipality_id}"
                       f"/districts/{district_id}").text
    assert "Change since the previous wave" in page
    assert _cells(page, "Life satisfaction (mean)")[-2:] == ["–", "–"]
