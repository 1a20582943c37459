"""Picking a definition's text in the pupil's language.

A questionnaire may lack a language the interface offers (a new translation is
written later); then its first language is shown, and the page marks that
text with its real language so that screen readers and read-aloud pronounce
it correctly.
"""

from __future__ import annotations

from typing import Mapping

from survey_app.i18n import DEFAULT_LOCALE as DEFAULT_LANGUAGE
from survey_app.i18n import LANGUAGES, direction, native_name

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "direction", "native_name", "text_for"]


def text_for(text: Mapping[str, str] | None, lang: str) -> tuple[str, str]:
    """``(text, language it is in)`` for ``lang``, else the first language given."""
    if not text:
        return "", lang
    if lang in text:
        return text[lang], lang
    first = next(iter(text))
    return text[first], first
