"""The start page: a code from the slip, then the assent page, opens the first page.

``start`` is also used by other tests (the demo's) to get a pupil to page 1.
The full pupil tests live in ``tests/pupil/``.
"""

from __future__ import annotations


from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import AccessCode, Response
from tests.factories import small_city
from tests.forms import csrf_token
from tests.pupil.helpers import address




def start(client, code: str):
    """Enter ``code`` and, on first use, agree on the assent page: returns the page shown."""
    page = client.get("/")
    result = client.post("/", data={"csrf_token": csrf_token(page.text), "code": code},
                         follow_redirects=True)
    if address(result) == "/survey/assent":
        result = client.post("/survey/assent", data={"csrf_token": csrf_token(result.text)},
                             follow_redirects=True)
    return result


def test_a_code_opens_the_first_page_and_starts_one_response(app, client):
    with app.app_context():
        city = small_city()
    result = start(client, city.codes[0].lower().replace("-", " "))
    assert result.status_code == 200
    assert "Seite 1 von 2" in result.text and "Über dich" in result.text
    again = start(app.test_client(), city.codes[0])  # a second tab or device resumes
    assert "Seite 1 von 2" in again.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        states = db.session.scalars(select(AccessCode.state)).all()
        assert sorted(states).count("started") == 1


def test_unknown_and_closed_codes_get_messages_and_store_nothing(app, client):
    with app.app_context():
        city = small_city()
    unknown = start(client, "ZZZZ-ZZZZ-ZZ")
    assert "Diesen Code kennen wir nicht" in unknown.text
    garbage = start(client, "<script>")
    assert "Diesen Code kennen wir nicht" in garbage.text  # same message: reveals nothing
    closed = start(client, city.closed_class_codes[0])
    assert "nicht geöffnet" in closed.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_start_without_csrf_token_is_refused(app, client):
    with app.app_context():
        city = small_city()
    result = client.post("/", data={"code": city.codes[0]})
    assert result.status_code == 400
    assert "Traceback" not in result.text
