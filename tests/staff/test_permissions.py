"""The permission matrix: every role against every staff URL and download (issue 4, item 1).

The routes are read from ``app.url_map``: a new route of the staff blueprints
without an entry in ``CASES`` fails :func:`test_every_staff_route_is_in_the_matrix`.
Refused means: anonymous visitors and pupils are sent to the login page,
staff get 403 (wrong role) or 404 (another school's record), and nothing in
the database changes (checked through the audit log and the code states).
"""

from __future__ import annotations

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import AccessCode, AuditEvent, SchoolClass, StaffUser, Wave
from tests.staff.conftest import SENTINEL, World, login, pupil_start, token_of

BLUEPRINTS = ("auth", "admin", "school", "insights", "school_results")
ROLES = ("anonymous", "pupil", "coord_a", "coord_b", "planner", "admin")
STAFF = {"coord_a", "coord_b", "planner", "admin"}
EVERYONE = set(ROLES)
ADMIN = {"admin"}
SCHOOL_STAFF = {"admin", "coord_a", "coord_b"}
PLANNERS = {"admin", "planner"}

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
    "admin.schools": [(lambda w: {}, ADMIN)],
    "admin.waves": [(lambda w: {}, ADMIN)],
    "admin.new_wave": [(lambda w: {}, ADMIN)],
    "admin.wave": [(lambda w: {"wave_id": w.wave_id}, ADMIN)],
    "admin.wave_state": [(lambda w: {"wave_id": w.wave_id}, ADMIN)],
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
    "school.wave": [(lambda w: {"wave_id": w.wave_id}, SCHOOL_STAFF)],
}
# Targeting, trends, region view, school results (issue 10, items 4-8). The world's planner
# has the municipality, not its region: the region view is the admin's only.
CASES.update({
    "insights.insights": [(lambda w: {}, PLANNERS)],
    "insights.indicators": [(lambda w: {}, PLANNERS)],
    "insights.confirm_indicators": [(lambda w: {}, PLANNERS)],
    "insights.region": [(lambda w: {"region_id": w.region_id}, ADMIN)],
    "insights.region_download": [(lambda w: {"region_id": w.region_id, "fmt": "csv"}, ADMIN)],
    "school_results.index": [(lambda w: {}, SCHOOL_STAFF)],
})
for _endpoint in ("insights.needs", "insights.scatter", "insights.trends"):
    CASES[_endpoint] = [(lambda w: {"municipality_id": w.municipality_id}, PLANNERS)]
    CASES[_endpoint + "_download"] = [
        (lambda w: {"municipality_id": w.municipality_id, "fmt": "csv"}, PLANNERS),
        (lambda w: {"municipality_id": w.municipality_id, "fmt": "xlsx"}, PLANNERS)]
for _endpoint, _args in (("school_results.school", {}),
                         ("school_results.school_download", {"fmt": "xlsx"})):
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
    for role in ("coord_a", "coord_b", "planner", "admin"):
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
        assert SENTINEL.encode() not in page.get_data(), url  # bytes: XLSX downloads too
