"""A pupil driving the survey through Flask's test client, as a browser would."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AccessCode, Answer, Response
from tests.forms import csrf_token

_HIDDEN = re.compile(r'<input id="(csrf_token|response_token|page_id)" name="\1" type="hidden" '
                     r'value="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """The form's hidden control fields (CSRF token, response, page)."""
    return {name: unescape(value) for name, value in _HIDDEN.findall(html)}


_FORM_ACTION = re.compile(r'<form id="(?:page|assent)-form" method="post" action="([^"]+)"')


def address(result) -> str:
    """The address a browser shows for ``result``.

    A page save is answered with the page it leads to, and page_address.js
    sets the address to that page's own (its form's target); any other
    answer shows the address that was requested (after redirects).
    """
    found = _FORM_ACTION.search(result.text) if result.status_code == 200 else None
    return found.group(1) if found else result.request.path


def got_in(result) -> bool:
    """The code was taken: the assent page answers it (no redirect, issue 12)."""
    return result.status_code == 200 and 'id="assent-form"' in result.text


def checked(html: str) -> dict[str, str]:
    """``{field name: value}`` of the checked radio buttons and filled inputs of a page."""
    found = {}
    for match in re.finditer(r'<input type="radio" id="[^"]+" name="([^"]+)" value="([^"]+)"\s*checked',
                             html):
        found[match.group(1)] = match.group(2)
    for match in re.finditer(r'<input type="text"[^>]*name="([^"]+)"[^>]*value="([^"]+)"', html):
        found[match.group(1)] = match.group(2)
    for match in re.finditer(r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]+)</textarea>', html):
        found[match.group(1)] = unescape(match.group(2))
    return found


class Pupil:
    """One pupil (one browser): start with a code, agree, answer pages, submit."""

    def __init__(self, client):
        self.client = client
        self.last = None

    def start(self, code: str, lang: str | None = None):
        """Enter a code on the start page (optionally after choosing a language)."""
        if lang:
            self.client.get(f"/language/{lang}")
        page = self.client.get("/")
        self.last = self.client.post("/", data={"csrf_token": csrf_token(page.text), "code": code},
                                     follow_redirects=True)
        return self.last

    def agree(self):
        """Pass the assent page."""
        page = self.client.get("/survey/assent")
        self.last = self.client.post("/survey/assent", data={"csrf_token": csrf_token(page.text)},
                                     follow_redirects=True)
        return self.last

    def begin(self, code: str, lang: str | None = None):
        """Start and agree: the first questionnaire page is shown."""
        self.start(code, lang)
        return self.agree()

    def open(self, number: int):
        """Show page ``number``."""
        self.last = self.client.get(f"/survey/page/{number}", follow_redirects=True)
        return self.last

    def post(self, number: int, answers: dict, action: str = "next", follow: bool = True,
             extra: dict | None = None, envelope: dict | None = None):
        """Post page ``number`` with ``answers`` ``{item code: value}`` as a browser would."""
        form = self.client.get(f"/survey/page/{number}")
        data = hidden_fields(form.text) if form.status_code == 200 else {}
        if not data:
            data = {"csrf_token": csrf_token(self.client.get("/").text)}
        data["action"] = action
        data.update({f"q_{code}": value for code, value in answers.items()})
        data.update(extra or {})
        data.update(envelope or {})
        self.last = self.client.post(f"/survey/page/{number}", data=data,
                                     follow_redirects=follow)
        return self.last


def answers_of() -> dict[int, dict[str, str]]:
    """``{response id: {item code: value}}`` of every stored answer (inside an app context)."""
    result: dict[int, dict[str, str]] = {}
    for answer in db.session.scalars(select(Answer)):
        result.setdefault(answer.response_id, {})[answer.item_code] = answer.value
    return result


def all_rows() -> dict[str, int]:
    """Row counts of the pupil tables (inside an app context)."""
    from sqlalchemy import func

    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Response, Answer)} | {
        "started_codes": db.session.scalar(
            select(func.count()).select_from(AccessCode).where(AccessCode.state != "unused"))}
