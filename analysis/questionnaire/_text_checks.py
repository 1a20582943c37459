"""Checks of languages and translations: every text in every declared language.

A missing translation shows up as an empty question on a pupil's tablet, in
the middle of a lesson; a text in an undeclared language is usually a typo in
a language code. Both are caught when the definition is loaded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pydantic import BaseModel

from ._errors import Finding
from .model import Questionnaire
from ._yaml_lines import Path, at

#: Languages written right to left; the pupil pages must be mirrored for them.
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "ckb", "dv", "sd", "ug"})
#: Fields holding count bounds, not texts, although both are mappings.
_NOT_TEXT = frozenset({"at_least", "at_most"})


def language_findings(q: Questionnaire) -> Iterator[Finding]:
    """Right-to-left languages marked as such, and plausible grades."""
    for n, lang in enumerate(q.languages):
        if lang.code in RTL_LANGUAGES and lang.direction != "rtl":
            yield at(("languages", n, "direction"),
                     f"'{lang.code}' is written right to left: add 'direction: rtl'")
    low, high = q.grades
    if not (1 <= low <= 13 and 1 <= high <= 13):
        yield at(("grades",), f"grades must lie between 1 and 13, not [{low}, {high}]")
    elif low > high:
        yield at(("grades",), f"grades are reversed: write [{high}, {low}]")


def text_findings(q: Questionnaire, obj: BaseModel, path: Path) -> Iterator[Finding]:
    """Every text must exist in every declared language, and in no other."""
    declared = {lang.code: lang.name for lang in q.languages}
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        field_path = path + (type(obj).model_fields[name].alias or name,)
        if isinstance(value, BaseModel):
            yield from text_findings(q, value, field_path)
        elif isinstance(value, tuple):
            for n, element in enumerate(value):
                if isinstance(element, BaseModel):
                    yield from text_findings(q, element, field_path + (n,))
        elif isinstance(value, Mapping) and name not in _NOT_TEXT:
            for code, lang_name in declared.items():
                if code not in value:
                    yield at(field_path, f"the {lang_name} ('{code}') text is missing")
            for code in value:
                if code not in declared:
                    yield at(field_path + (code,), f"text in '{code}', which is not one of the "
                                                   f"declared languages ({', '.join(declared)})")
