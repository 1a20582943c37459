"""The triggers of a computation: ``wellbeing results compute``, closing a wave, the admin's
buttons (issue 10, item 1)."""

from __future__ import annotations

from sqlalchemy import func, select

from survey_app.cli import main
from survey_app.extensions import db
from survey_app.models import ResultSet, Wave
from tests.staff.conftest import login, token_of


def _sets(app) -> list[tuple[str, int]]:
    with app.app_context():
        return [(state, n) for state, n in db.session.execute(
            select(ResultSet.state, ResultSet.responses).order_by(ResultSet.id))]


def test_cli_computes_replaces_releases_and_recomputes_a_released_wave(app, runner, demo):
    done = runner.invoke(main, args=["results", "compute", "--wave", demo.wave_name])
    assert done.exit_code == 0, done.output
    assert f"{demo.responses} answered surveys" in done.output and "suppressed" in done.output
    assert "100%" in done.output  # the progress bar ran to its end (on stderr)
    again = runner.invoke(main, args=["results", "compute", "--wave", demo.wave_name, "--quiet"])
    assert again.exit_code == 0 and _sets(app) == [("draft", demo.responses)]
    released = runner.invoke(main, args=["results", "release", "--wave", demo.wave_name])
    assert released.exit_code == 0 and "released" in released.output
    # a recomputation of a released wave is a draft, protected against the release
    # (tests/results/test_releases.py); planners keep the released results until it is released
    again = runner.invoke(main, args=["results", "compute", "--wave", demo.wave_name])
    assert again.exit_code == 0, again.output
    assert _sets(app) == [("released", demo.responses), ("draft", demo.responses)]
    second = runner.invoke(main, args=["results", "release", "--wave", demo.wave_name])
    assert second.exit_code == 0 and "released" in second.output
    nothing = runner.invoke(main, args=["results", "release", "--wave", demo.wave_name])
    assert nothing.exit_code == 1 and "no draft results" in nothing.output


def test_cli_names_the_waves_when_one_is_unknown(app, runner, demo):
    result = runner.invoke(main, args=["results", "compute", "--wave", "Nirgendwo 1999"])
    assert result.exit_code == 1
    assert "no wave named 'Nirgendwo 1999'" in result.output and demo.wave_name in result.output
    assert _sets(app) == []


def test_closing_a_wave_computes_its_draft_and_the_admin_releases_it(app, demo):
    admin = app.test_client()
    assert login(admin, demo.admin_email).status_code == 302
    page = admin.get(f"/admin/waves/{demo.wave_id}")
    assert "No results computed yet" in page.text
    closed = admin.post(f"/admin/waves/{demo.wave_id}/state",
                        data={"csrf_token": token_of(admin), "state": "closed"},
                        follow_redirects=True)
    assert closed.status_code == 200 and "Draft results computed on" in closed.text
    with app.app_context():
        assert db.session.get(Wave, demo.wave_id).state == "closed"
    assert _sets(app) == [("draft", demo.responses)]
    assert f"{demo.responses} answers" in closed.text and "not visible to planners" in closed.text
    recomputed = admin.post(f"/admin/waves/{demo.wave_id}/results/compute",
                            data={"csrf_token": token_of(admin)}, follow_redirects=True)
    assert "Draft results computed on" in recomputed.text and len(_sets(app)) == 1
    released = admin.post(f"/admin/waves/{demo.wave_id}/results/release",
                          data={"csrf_token": token_of(admin)}, follow_redirects=True)
    assert "released to the planners and frozen" in released.text
    assert "Released on" in released.text and "Release to planners" not in released.text
    again = admin.post(f"/admin/waves/{demo.wave_id}/results/compute",
                       data={"csrf_token": token_of(admin)}, follow_redirects=True)
    assert "Released on" in again.text and "Draft results computed on" in again.text
    assert _sets(app) == [("released", demo.responses), ("draft", demo.responses)]


def test_closing_a_wave_without_answers_still_closes_it(app, world):
    admin = app.test_client()
    login(admin, world.emails["admin"])
    closed = admin.post(f"/admin/waves/{world.wave_id}/state",
                        data={"csrf_token": token_of(admin), "state": "closed"},
                        follow_redirects=True)
    assert "no submitted answers" in closed.text
    with app.app_context():
        assert db.session.get(Wave, world.wave_id).state == "closed"
        assert db.session.scalar(select(func.count()).select_from(ResultSet)) == 0


def test_a_request_without_csrf_token_computes_nothing(app, demo):
    admin = app.test_client()
    login(admin, demo.admin_email)
    admin.post(f"/admin/waves/{demo.wave_id}/results/compute", data={})
    assert _sets(app) == []
