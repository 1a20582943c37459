"""Error pages: fully in the interface language, in the layout of the side they belong to."""

from __future__ import annotations

from tests.staff.test_german_interface import english_left_over, german_login, visible_text


def test_staff_404_and_403_are_german(app, world):
    client = app.test_client()
    german_login(client, world.emails["coord_a"])
    missing = client.get("/school/classes/999999")
    assert missing.status_code == 404
    text = visible_text(missing.text)
    assert "Diese Seite gibt es nicht." in text and "Fehler 404" in text
    assert "Zur Startseite für Mitarbeitende" in text and "Abmelden" in text  # staff layout
    assert "Not Found" not in text and "requested URL" not in text
    assert english_left_over(missing.text) == []
    refused = client.get("/admin/")
    assert refused.status_code == 403
    text = visible_text(refused.text)
    assert "Sie dürfen diese Seite nicht öffnen." in text and "Fehler 403" in text
    assert "Forbidden" not in text and "permission" not in text
    assert english_left_over(refused.text) == []


def test_unknown_staff_address_and_wrong_method_are_german(app, world):
    client = app.test_client()
    german_login(client, world.emails["admin"])
    page = client.get("/admin/gibt-es-nicht")
    assert page.status_code == 404 and "Diese Seite gibt es nicht." in page.text
    page = client.get(f"/admin/waves/{world.wave_id}/classes")  # POST only
    assert page.status_code == 405 and "Method Not Allowed" not in page.text
    assert "Diese Seite kann so nicht benutzt werden." in page.text
    assert english_left_over(page.text) == []


def test_pupil_404_uses_the_pupil_layout_in_the_chosen_language(client):
    page = client.get("/gibt-es-nicht")
    assert page.status_code == 404 and "Diese Seite gibt es nicht." in page.text
    assert "Zur Startseite" in page.text and "Mitarbeitende" not in page.text
    with client.session_transaction() as session:
        session["lang"] = "uk"
    assert "Такої сторінки немає." in client.get("/gibt-es-nicht").text


def test_an_expired_staff_form_is_explained_in_german(app, world):
    client = app.test_client()
    german_login(client, world.emails["admin"])
    page = client.post("/admin/regions", data={"csrf_token": "falsch", "name": "X"})
    assert page.status_code == 400
    assert "Das Formular war veraltet." in page.text and english_left_over(page.text) == []
