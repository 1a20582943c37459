"""Response monitoring: counts per wave, school and class, scoped by role (issue 4, item 4)."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AccessCode
from survey_app.services.access_codes import find_code
from survey_app.services.monitoring import class_rows
from tests.staff.conftest import login


def figures(html: str, class_id: int) -> list[str]:
    """The numbers of one class row: enrolled, issued, started, submitted, rate."""
    row = re.search(rf'<tr id="class-{class_id}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_counts_follow_the_code_states(app, world):
    with app.app_context():
        find_code(db.session, world.codes_a[0]).state = "submitted"
        find_code(db.session, world.codes_a[1]).state = "void"
        db.session.commit()
        rows = {r.class_id: r for r in class_rows(db.session, world.wave_id)}
    a = rows[world.class_a]
    # 5 codes: 1 submitted, 1 started (the world's answered one), 1 void, 2 unused
    assert (a.enrolled, a.issued, a.started, a.submitted, a.void) == (25, 4, 2, 1, 1)
    assert a.rate == 1 / 25
    b = rows[world.class_b]
    assert (b.issued, b.started, b.submitted, b.rate) == (3, 0, 0, 0)


def test_coordinators_see_only_their_schools(app, world):
    a, b = app.test_client(), app.test_client()
    login(a, world.emails["coord_a"])
    login(b, world.emails["coord_b"])
    page_a = a.get(f"/school/waves/{world.wave_id}").text
    assert "Testschule" in page_a and "Andere Schule" not in page_a
    assert figures(page_a, world.class_a) == ["25", "5", "1", "0", "0 %"]
    page_b = b.get(f"/school/waves/{world.wave_id}").text
    assert "Andere Schule" in page_b and "Testschule" not in page_b
    overview = b.get("/school/").text
    assert "Andere Schule" in overview and "Testschule" not in overview


def test_admins_see_the_whole_city_and_pages_refresh_while_open(app, world):
    admin = app.test_client()
    login(admin, world.emails["admin"])
    page = admin.get(f"/school/waves/{world.wave_id}").text
    assert "Testschule" in page and "Andere Schule" in page and "All schools" in page
    assert '<meta http-equiv="refresh" content="30;url=' in page
    assert '<meta http-equiv="refresh"' in admin.get("/school/").text
    with app.app_context():
        assert db.session.scalar(select(AccessCode).limit(1)) is not None
    # a class page has forms: it does not reload itself under the user's typing
    assert 'http-equiv="refresh"' not in admin.get(f"/school/classes/{world.class_a}").text
