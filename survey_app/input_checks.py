"""Text that cannot be stored or shown safely is refused at the door, on every staff form.

PostgreSQL cannot store a NUL character in text: psycopg refuses the value, and
a school named ``"Schule\\x00"`` ended in a server error (on SQLite it was
stored). Other control characters and text-direction overrides (U+202E turns
what follows around) garble every page, table and file that shows a name.
WTForms checks each field's own rules; :class:`CheckedForm` adds this one to
every text field of a form, so that no staff form can forget it. Pupils' text
answers have the same rule (``TextAnswerField``). Query strings are not typed
by anyone: one with a NUL is refused whole (:func:`install_query_check`).
"""

from __future__ import annotations

import unicodedata

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import StringField
from wtforms.validators import ValidationError

#: Explicit text-direction embeddings, overrides and isolates: they reorder the text after them.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def hidden_characters(text: str) -> bool:
    """Whether ``text`` holds control characters (besides tab and line breaks) or direction overrides.

    >>> hidden_characters("Grundschule Süd"), hidden_characters("a\\x00b"), hidden_characters("\\u202eab")
    (False, True, True)
    """
    return any(ch in DIRECTION_CONTROLS
               or (unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in "\t\n\r")
               for ch in text)


def refuse_hidden_characters(_form, field) -> None:
    """WTForms validator: a field error for text with hidden characters."""
    if isinstance(field.data, str) and hidden_characters(field.data):
        raise ValidationError(_l("This text contains characters that are not allowed."))


class CheckedForm(FlaskForm):
    """The base of every staff form: each text field also refuses hidden characters."""

    def validate(self, extra_validators=None) -> bool:
        extra = {name: list(chain) for name, chain in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, StringField):  # also e-mail, password, hidden and text areas
                extra.setdefault(name, []).append(refuse_hidden_characters)
        return super().validate(extra_validators=extra)


def install_query_check(app: Flask) -> None:
    """Answer a request whose query string holds a NUL with 400, before any view reads it."""

    @app.before_request
    def _refuse_nul_in_query():
        query = request.query_string  # raw bytes: a NUL arrives as %00 (no parsing needed)
        if b"%00" in query or b"\x00" in query:
            raise BadRequest()
