"""A released wave recomputed after late answers and a withdrawal (issue 11, 1b; issue 10, 1).

The second release is protected against the first: no figure of the four late
pupils or of the withdrawn one can be had by subtracting the releases, nor any
hidden figure of either; planners see the first release until an admin
releases the second.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from analysis.questionnaire import load
from analysis.scoring import score
from questionnaires import SHIPPED
from survey_app.extensions import db
from survey_app.models import District, Response, ResultSet, Wave
from survey_app.services import results
from survey_app.services.frames import responses_frame
from tests.results.test_differencing import attack, district_labels, row_masks, stored_rows


def _set_submitted(ids, submitted: bool) -> None:
    for response in db.session.scalars(select(Response).where(Response.id.in_(ids))):
        response.status = "submitted" if submitted else "in_progress"
        response.submitted_on = response.started_on if submitted else None
    db.session.flush()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_late_class_and_withdrawal_reveal_nothing(app, demo, monkeypatch):
    questionnaire = load(SHIPPED)
    with app.app_context():
        wave = db.session.get(Wave, demo.wave_id)
        submitted = db.session.execute(select(Response.id, Response.class_id).where(
            Response.wave_id == wave.id, Response.status == "submitted")
            .order_by(Response.class_id, Response.id)).all()
        late_class = submitted[0][1]
        late = [rid for rid, cid in submitted if cid == late_class][:4]
        withdrawn = next(rid for rid, cid in submitted if cid != late_class)
        everyone = score(responses_frame(db.session, wave, questionnaire, keys=True), questionnaire)
        homes = dict(db.session.execute(select(District.id, District.municipality_id)).all())
        _set_submitted(late, False)  # the late class has not answered yet
        first = results.compute_results(db.session, wave, questionnaire, min_group_size=10)
        results.release_results(db.session, None, first)
        db.session.commit()
        counted = json.loads(first.counted)
        assert {r[0] for r in counted["rows"]} == {rid for rid, _ in submitted} - set(late)
        _set_submitted(late, True)  # they answer; then one pupil withdraws
        _set_submitted([withdrawn], False)
        second = results.compute_results(db.session, wave, questionnaire, min_group_size=10)
        db.session.commit()
        # planners still see the first release
        assert results.released(db.session, wave.id).id == first.id
        assert second.state == "draft"
        first_rows, second_rows = stored_rows(first.id), stored_rows(second.id)
        results.release_results(db.session, None, second)
        db.session.commit()
        assert results.released(db.session, wave.id).id == second.id
    changed = second_rows["suppression_reason"].fillna("").str.startswith("changed<")
    assert changed.any()  # the groups of the late and the withdrawn pupils
    # the map still shows districts in the second release
    assert (~second_rows["suppressed"] & (second_rows["group_var"] == "district")).sum() > 100
    pupils = everyone.copy()
    pupils["_label"] = district_labels(pupils, homes)
    ids = pupils["response_key"].astype(int)
    in_first = ~ids.isin(late).to_numpy()
    in_second = (ids != withdrawn).to_numpy()
    masks = row_masks(first_rows, pupils, homes) | row_masks(second_rows, pupils, homes)
    found = attack([(first_rows, in_first), (second_rows, in_second)], pupils, masks,
                   questionnaire, 10)
    assert found == []
    # positive control: the second computation protected as if it stood alone
    with app.app_context():
        monkeypatch.setattr(results.results_counted, "earlier_releases", lambda *a: [])
        alone = stored_rows(results.compute_results(db.session, db.session.get(Wave, demo.wave_id),
                                                    questionnaire, min_group_size=10).id)
    found = attack([(first_rows, in_first), (alone, in_second)], pupils, masks, questionnaire, 10)
    assert any(what[0] == "difference" for what in found)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_draft_older_than_the_latest_release_is_not_released(app, demo):
    questionnaire = load(SHIPPED)
    with app.app_context():
        wave = db.session.get(Wave, demo.wave_id)
        first = results.compute_results(db.session, wave, questionnaire, min_group_size=10)
        results.release_results(db.session, None, first)
        draft = results.compute_results(db.session, wave, questionnaire, min_group_size=10)
        # a release of the wave that the draft was not protected against
        draft.notes = json.dumps({"protected_against": []})
        with pytest.raises(results.ResultsFrozen, match="compute them again"):
            results.release_results(db.session, None, draft)
        # an old release without the record of its answers: recomputing is refused
        first.counted = None
        with pytest.raises(results.ResultsFrozen, match="cannot be recomputed"):
            results.compute_results(db.session, wave, questionnaire, min_group_size=10)


def test_responses_to_show_hides_a_change_of_a_few():
    from types import SimpleNamespace

    first = SimpleNamespace(shown_responses=437)
    assert results.responses_to_show(440, [first], 10) == 437  # 3 came later
    assert results.responses_to_show(437, [first], 10) == 437
    assert results.responses_to_show(447, [first], 10) == 447  # 10: a group of its own
    assert results.responses_to_show(430, [first], 10) == 437  # 7 withdrew
    second = SimpleNamespace(shown_responses=437)  # said 437, counted 440
    assert results.responses_to_show(449, [first, second], 10) == 449
    assert results.responses_to_show(445, [first, SimpleNamespace(shown_responses=452)], 10) == 452


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_re_release_says_neither_how_many_came_later_nor_what_they_did_to_reliability(
        app, demo):
    """Found by attacking the reports (issue 12): with 3 late pupils the second release
    hid every figure they changed, but its headline said 440 where the first said 437,
    and the reliability appendix showed each scale's n and alpha moved by them."""
    from survey_app.models import Municipality
    from survey_app.reports.content import wave_content
    from survey_app.reports.pdf import report_html

    questionnaire = load(SHIPPED)
    with app.app_context():
        wave = db.session.get(Wave, demo.wave_id)
        submitted = db.session.scalars(select(Response.id).where(
            Response.wave_id == wave.id, Response.status == "submitted")
            .order_by(Response.id)).all()
        late = submitted[:4]
        _set_submitted(late, False)
        first = results.compute_results(db.session, wave, questionnaire, min_group_size=10)
        results.release_results(db.session, None, first)
        db.session.commit()
        _set_submitted(late, True)
        second = results.compute_results(db.session, wave, questionnaire, min_group_size=10)
        results.release_results(db.session, None, second)
        db.session.commit()
        assert second.responses == first.responses + 4
        assert second.shown_responses == first.responses and second.few_later_responses
        assert not first.few_later_responses
        # no scale's n, alpha or omega moved by the four pupils
        assert json.loads(second.reliability)["scales"] == json.loads(first.reliability)["scales"]
        with app.test_request_context():
            html = report_html(db.session, wave_content(
                db.session, second, db.session.get(Municipality, demo.municipality_id), None),
                "en")
    assert f"{first.responses} submitted questionnaires were analysed" in html
    assert f"{second.responses} submitted" not in html
    assert f"{second.responses} answered" not in html
    assert "fewer than 10 questionnaires were added or withdrawn" in html
