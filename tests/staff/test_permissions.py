"""The permission matrix: every role against every staff URL and download (issue 4, item 1).

The routes are read from ``app.url_map``: a new route of the staff blueprints
without an entry in ``CASES`` fails :func:`test_every_staff_route_is_in_the_matrix`.
Refused means: anonymous visitors and pupils are sent to the login page,
staff get 403 (wrong role) or 404 (another school's record), and nothing in
the database changes (checked through the audit log and the code states).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import (AccessCode, AuditEvent, Municipality, Region, ResultEstimate,
                               ResultSet, SchoolClass, StaffUser, Wave)
from tests.staff.conftest import (SENTINEL, World, login, make_world, password_hash,
                                  pupil_start, token_of)

BLUEPRINTS = ("auth", "admin", "school", "planner", "insights", "school_results")
ROLES = ("anonymous", "pupil", "coord_a", "coord_b", "planner", "planner_other", "admin")
STAFF = {"coord_a", "coord_b", "planner", "planner_other", "admin"}
EVERYONE = set(ROLES)
ADMIN = {"admin"}
SCHOOL_STAFF = {"admin", "coord_a", "coord_b"}
PLANNERS = {"admin", "planner", "planner_other"}
#: The world's municipality: its planner and admins; a planner of another one gets 404.
ITS_PLANNER = {"admin", "planner"}

#: endpoint -> list of (url arguments from the world, roles that may use it)
CASES = {
    "auth.login": [(lambda w: {}, EVERYONE)],
    "auth.logout": [(lambda w: {}, STAFF)],
    "auth.home": [(lambda w: {}, STAFF)],
    "auth.password": [(lambda w: {}, STAFF)],
    "admin.index": [(lambda w: {}, ADMIN)],
    "admin.areas": [(lambda w: {}, ADMIN)],
    "admin.add_region": [(lambda w: {}, ADMIN)],
    "admin.add_municipality": [(lambda w: {}, ADMIN)],
    "admin.districts": [(lambda w: {"municipality_id": w.municipality_id}, ADMIN)],
    "admin.district_import_preview": [(lambda w: {"municipality_id": w.municipality_id}, ADMIN)],
    "admin.schools": [(lambda w: {}, ADMIN)],
    "admin.import_schools": [(lambda w: {}, ADMIN)],
    "admin.waves": [(lambda w: {}, ADMIN)],
    "admin.new_wave": [(lambda w: {}, ADMIN)],
    "admin.wave": [(lambda w: {"wave_id": w.wave_id}, ADMIN)],
    "admin.wave_state": [(lambda w: {"wave_id": w.wave_id, "state": "closed"}, ADMIN)],
    "admin.edit_wave": [(lambda w: {"wave_id": w.wave_id}, ADMIN)],
    "admin.compute_results": [(lambda w: {"wave_id": w.wave_id}, ADMIN)],
    "admin.release_results": [(lambda w: {"wave_id": w.wave_id}, ADMIN)],
    "admin.add_class": [(lambda w: {"wave_id": w.wave_id}, ADMIN)],
    "admin.import_classes": [(lambda w: {"wave_id": w.wave_id}, ADMIN)],
    "admin.confirm_import_classes": [(lambda w: {"wave_id": w.wave_id}, ADMIN)],
    "admin.users": [(lambda w: {}, ADMIN)],
    "admin.new_user": [(lambda w: {}, ADMIN)],
    "admin.edit_user": [(lambda w: {"user_id": w.users["spare"]}, ADMIN),
                        (lambda w: {"user_id": w.users["admin"]}, ADMIN)],
    "admin.audit_log": [(lambda w: {}, ADMIN)],
    # Corrections; the delete cases are chosen so that the admin's request is refused for
    # dependent records (region, municipality, school, class) or deletes a spare district
    # that no other case uses afterwards.
    "admin.edit_region": [(lambda w: {"region_id": w.region_id}, ADMIN)],
    "admin.delete_region": [(lambda w: {"region_id": w.region_id}, ADMIN)],
    "admin.edit_municipality": [(lambda w: {"municipality_id": w.municipality_id}, ADMIN)],
    "admin.delete_municipality": [(lambda w: {"municipality_id": w.municipality_id}, ADMIN)],
    "admin.edit_district": [(lambda w: {"district_id": w.districts[0]}, ADMIN)],
    "admin.delete_district": [(lambda w: {"district_id": w.districts[-1]}, ADMIN)],
    "admin.edit_school": [(lambda w: {"school_id": w.school_a}, ADMIN),
                          (lambda w: {"school_id": w.school_b}, ADMIN)],
    "admin.delete_school": [(lambda w: {"school_id": w.school_a}, ADMIN)],
    "admin.edit_class": [(lambda w: {"class_id": w.class_a}, ADMIN),
                         (lambda w: {"class_id": w.class_b}, ADMIN)],
    "admin.delete_class": [(lambda w: {"class_id": w.class_b}, ADMIN)],
    "school.index": [(lambda w: {}, SCHOOL_STAFF)],
    "planner.index": [(lambda w: {}, PLANNERS)],
    "planner.overview": [
        (lambda w: {"wave_id": w.wave_id, "municipality_id": w.municipality_id}, ITS_PLANNER),
        (lambda w: {"wave_id": w.wave_id, "municipality_id": w.municipality_id,
                    "measure": "life_satisfaction", "view": "difference", "sort": "n"},
         ITS_PLANNER)],
    "planner.download": [
        (lambda w: {"wave_id": w.wave_id, "municipality_id": w.municipality_id, "fmt": fmt},
         ITS_PLANNER) for fmt in ("csv", "xlsx")],
    "planner.profile": [
        (lambda w: {"wave_id": w.wave_id, "municipality_id": w.municipality_id,
                    "district_id": w.districts[0]}, ITS_PLANNER),
        (lambda w: {"wave_id": w.wave_id, "municipality_id": w.municipality_id,
                    "district_id": w.districts[1]}, ITS_PLANNER)],
    "planner.profile_download": [
        (lambda w: {"wave_id": w.wave_id, "municipality_id": w.municipality_id,
                    "district_id": w.districts[0], "fmt": fmt}, ITS_PLANNER)
        for fmt in ("csv", "xlsx")],
    "school.wave": [(lambda w: {"wave_id": w.wave_id}, SCHOOL_STAFF)],
    "planner.data_package": [
        (lambda w: {"wave_id": w.wave_id, "municipality_id": w.municipality_id}, ITS_PLANNER)],
    "planner.wave_report": [
        (lambda w, lang=lang: {"wave_id": w.wave_id, "municipality_id": w.municipality_id,
                               "lang": lang}, ITS_PLANNER) for lang in ("de", "en")],
    "planner.district_report": [
        (lambda w: {"wave_id": w.wave_id, "municipality_id": w.municipality_id,
                    "district_id": w.districts[0], "lang": "en"}, ITS_PLANNER)],
}
# Targeting, trends, region view, school results (issue 10, items 4-8). The world's planner
# has the municipality, not its region: the region view is the admin's only.
CASES.update({
    "insights.insights": [(lambda w: {}, PLANNERS)],
    "insights.indicators": [(lambda w: {}, PLANNERS)],
    "insights.confirm_indicators": [(lambda w: {}, PLANNERS)],
    "insights.region": [(lambda w: {"region_id": w.region_id}, ADMIN)],
    "insights.region_download": [(lambda w: {"region_id": w.region_id, "fmt": "csv"}, ADMIN)],
    "planner.region_report": [(lambda w: {"region_id": w.region_id, "lang": "de"}, ADMIN)],
    "school_results.index": [(lambda w: {}, SCHOOL_STAFF)],
})
for _endpoint in ("insights.needs", "insights.scatter", "insights.trends"):
    CASES[_endpoint] = [(lambda w: {"municipality_id": w.municipality_id}, ITS_PLANNER)]
    CASES[_endpoint + "_download"] = [
        (lambda w: {"municipality_id": w.municipality_id, "fmt": "csv"}, ITS_PLANNER),
        (lambda w: {"municipality_id": w.municipality_id, "fmt": "xlsx"}, ITS_PLANNER)]
for _endpoint, _args in (("school_results.school", {}),
                         ("school_results.school_download", {"fmt": "xlsx"}),
                         ("school_results.school_report", {"lang": "de"})):
    CASES[_endpoint] = [
        (lambda w, a=_args: {"school_id": w.school_a, **a}, {"admin", "coord_a"}),
        (lambda w, a=_args: {"school_id": w.school_b, **a}, {"admin", "coord_b"}),
    ]
for _endpoint in ("school.school_class", "school.generate", "school.replace", "school.void",
                  "school.void_unused", "school.class_state", "school.class_enrolled"):
    CASES[_endpoint] = [
        (lambda w: {"class_id": w.class_a}, {"admin", "coord_a"}),
        (lambda w: {"class_id": w.class_a_closed}, {"admin", "coord_a"}),
        (lambda w: {"class_id": w.class_b}, {"admin", "coord_b"}),
    ]

#: Form data that a permitted request could act on: refusals must hold anyway.
PAYLOAD = {"count": "2", "state": "closed", "name": "Neu", "lost": "", "code": "",
           "email": "new@example.org", "role": "admin", "password": "noch ein passwort",
           "region_id": "1", "municipality_id": "1", "school_id": "1", "grade": "5", "enrolled": "22",
           "content": "school,class,grade,enrolled\nTestschule,9z,9,20\n"}


def add_released_results(world: World) -> None:
    """Released results for the world's wave, and a planner of another municipality."""
    wave = db.session.get(Wave, world.wave_id)
    other = Municipality(name="Nachbarstadt", region=Region(name="Nachbarkreis"))
    planner = StaffUser(email="planner-other@example.org", role="planner",
                        password_hash=password_hash(), municipalities=[other])
    stored = ResultSet(wave_id=wave.id, state="released",
                       released_at=dt.datetime.now(dt.timezone.utc),
                       questionnaire_id=wave.questionnaire_id,
                       questionnaire_version=wave.questionnaire_version,
                       questionnaire_hash=wave.questionnaire_hash, min_group_size=10,
                       design="schools", weighting="enrolment", responses=40)
    common = {"municipality_id": world.municipality_id, "group_var": "district",
              "measure": "life_satisfaction", "statistic": "mean", "low_precision": False}
    stored.estimates = [
        ResultEstimate(**common, group_key=str(world.districts[0]),
                       district_id=world.districts[0], n=25, estimate=3.4, se=0.1,
                       ci_low=3.2, ci_high=3.6, diff_city=0.1, p_value=0.3, p_adjusted=0.6,
                       suppressed=False),
        ResultEstimate(**common, group_key=str(world.districts[1]),
                       district_id=world.districts[1], suppressed=True,
                       suppression_reason="n<10"),
        ResultEstimate(**common, group_key="all", n=40, estimate=3.3, se=0.08, ci_low=3.1,
                       ci_high=3.5, suppressed=False),
    ]
    db.session.add_all([other, planner, stored])
    db.session.commit()
    world.users["planner_other"], world.emails["planner_other"] = planner.id, planner.email


@pytest.fixture
def world(app) -> World:
    """The staff test data, with released results and a planner of another municipality."""
    with app.app_context():
        made = make_world()
        add_released_results(made)
        return made


def staff_rules(app):
    """Every (rule, methods) of the staff blueprints."""
    return [(rule, sorted(rule.methods - {"HEAD", "OPTIONS"}))
            for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in BLUEPRINTS]


def test_every_staff_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule, _methods in staff_rules(app)}
    assert endpoints, "no staff routes found"
    assert endpoints - set(CASES) == set(), "routes without an entry in the permission matrix"
    assert set(CASES) - endpoints == set(), "matrix entries for routes that do not exist"


def clients(app, world: World) -> dict:
    """One logged-in (or not) test client per role."""
    out = {"anonymous": app.test_client(), "pupil": app.test_client()}
    pupil_start(out["pupil"], world.codes_a[0])
    with out["pupil"].session_transaction() as session:
        assert "response_id" in session
    for role in ("coord_a", "coord_b", "planner", "planner_other", "admin"):
        out[role] = app.test_client()
        assert login(out[role], world.emails[role]).status_code == 302
    return out


def snapshot(app) -> tuple:
    """What a refused request must not change."""
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(AuditEvent)),
                tuple(db.session.scalars(select(AccessCode.state).order_by(AccessCode.id))),
                tuple(db.session.scalars(select(SchoolClass.state).order_by(SchoolClass.id))),
                tuple(db.session.scalars(select(Wave.state))),
                tuple(db.session.execute(select(StaffUser.role, StaffUser.active)
                                         .order_by(StaffUser.id))))


def refused(role: str, response) -> bool:
    """Whether a response refuses the request the way the role should be refused."""
    if role in ("anonymous", "pupil"):
        return response.status_code == 302 and "/staff/login" in response.headers["Location"]
    return response.status_code in (403, 404)


def test_permission_matrix(app, world):
    users = clients(app, world)
    tokens = {role: token_of(client) for role, client in users.items()}
    checked = 0
    with app.test_request_context():
        from flask import url_for

        requests = []
        for rule, methods in staff_rules(app):
            for make_args, allowed in CASES[rule.endpoint]:
                url = url_for(rule.endpoint, **make_args(world))
                requests += [(rule.endpoint, url, method, allowed) for method in methods]
    # Logout last, so that it does not end the sessions the other checks use.
    requests.sort(key=lambda r: r[0] == "auth.logout")
    for endpoint, url, method, allowed in requests:
        for role in ROLES:
            client = users[role]
            before = snapshot(app) if role not in allowed else None
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={**PAYLOAD, "csrf_token": tokens[role]})
            where = f"{role} {method} {url} -> {response.status_code}"
            assert response.status_code < 500, where
            if role in allowed:
                assert not refused(role, response), where
                if endpoint not in ("auth.logout", "auth.login"):
                    assert response.status_code not in (401, 403, 404), where
            else:
                assert refused(role, response), where
                assert snapshot(app) == before, f"refused request changed data: {where}"
            checked += 1
    assert checked > 200


def test_no_answer_is_visible_on_any_staff_page(app, world):
    admin = app.test_client()
    login(admin, world.emails["admin"])
    with app.test_request_context():
        from flask import url_for

        urls = [url_for(rule.endpoint, **make_args(world))
                for rule, methods in staff_rules(app) if "GET" in methods
                for make_args, _allowed in CASES[rule.endpoint]]
    for url in urls:
        page = admin.get(url)
        assert page.status_code < 400, url
        assert SENTINEL not in readable(page), url


def readable(response) -> str:
    """A response's text; for an XLSX download or a zip, the text of every part (also of a
    workbook inside the zip); for a PDF, the text of its pages."""
    return _readable(response.get_data())


def _readable(data: bytes) -> str:
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "".join(_readable(part) if part[:2] == b"PK" else
                           part.decode("utf-8", "replace")
                           for part in map(book.read, book.namelist()))
    if data[:5] == b"%PDF-":
        from pypdf import PdfReader

        return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8")
