"""Build a page's WTForms form class from the questionnaire definition at run time.

No item is written in Python or a template: each item of the page becomes a
field named ``q_<code>`` (the prefix keeps item codes apart from the form's own
fields), typed by the item's ``type``. The page also carries the pupil's
response and the page it belongs to (written by the template, checked by
:mod:`~survey_app.pupil.page_post`), so that a post for another response or
another page is recognised and refused.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.i18n import messages_path
from wtforms.validators import Regexp

from analysis.questionnaire import DONT_KNOW, Page, Questionnaire
from survey_app.pupil.fields import (
    Choice,
    ChoiceAnswerField,
    NumberAnswerField,
    TextAnswerField,
)
from survey_app.pupil.texts import text_for

PREFIX = "q_"
#: What the buttons of a page may ask for; ``lang:xx`` and ``clear:item`` carry a target.
ACTION_PATTERN = r"^(next|back|save|submit|pause|lang:[a-z]{2,3}|clear:[a-z][a-z0-9_]{0,62})$"


@lru_cache(maxsize=16)
def _wtforms_catalogue(locale: str) -> support.Translations:
    """WTForms' own messages in ``locale``, read from disk once per process."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class PageForm(FlaskForm):
    """Base of every page form: the button pressed, and one field per item.

    The CSRF token is checked for every post before the view runs (the app's
    ``CSRFProtect``) and written into the page by the template
    (``csrf_value``), so the form does not check or make it a second time.
    """

    class Meta:
        csrf = False

        def get_translations(self, form):
            """WTForms' messages, cached (Flask-WTF reads the catalogue on every request)."""
            return _wtforms_catalogue(str(get_locale()))

    action = HiddenField(validators=[Regexp(ACTION_PATTERN, message=_l(
        "This button is not one of the page's buttons."))])

    def item_fields(self):
        """The answer fields, in page order."""
        return [field for field in self if field.name.startswith(PREFIX)]

    def answers(self) -> dict[str, str | None]:
        """``{item code: stored value or None}`` for every item of the page."""
        return {field.name[len(PREFIX):]: field.data for field in self.item_fields()}


def _scale_choices(questionnaire: Questionnaire, scale_id: str, lang: str) -> list[Choice]:
    scale = questionnaire.answer_scale(scale_id)
    choices = [Choice(str(o.value), *text_for(o.label, lang), icon=o.icon) for o in scale.options]
    if scale.prefer_not_to_say:
        extra = scale.prefer_not_to_say
        choices.append(Choice(str(extra.value), *text_for(extra.label, lang), extra=True))
    return choices


def _as_tuple(district) -> tuple:
    """``(id, name[, places])`` from a tuple or a :class:`DistrictChoice`."""
    if hasattr(district, "label"):
        return (district.id, district.label, district.places)
    return tuple(district)


def make_field(item, questionnaire: Questionnaire, lang: str,
               districts: Sequence):
    """The unbound WTForms field for one item."""
    label, text_lang = text_for(item.text, lang)
    common = {"item": item, "text_lang": text_lang}
    if item.type in ("single_choice", "rating", "yes_no"):
        return ChoiceAnswerField(
            label, choices=_scale_choices(questionnaire, item.answer_scale, lang), **common
        )
    if item.type == "wave_list":
        choices = [Choice(str(d[0]), d[1], lang, places=tuple(d[2]) if len(d) > 2 else ())
                   for d in (tuple(_as_tuple(d)) for d in districts)]
        if item.dont_know:
            choices.append(Choice(DONT_KNOW, *text_for(item.dont_know, lang), extra=True))
        return ChoiceAnswerField(label, choices=choices, **common)
    if item.type == "number":
        unit = text_for(item.unit, lang)[0] if item.unit else None
        return NumberAnswerField(label, minimum=item.min, maximum=item.max, unit=unit,
                                 decimals=item.decimals, **common)
    if item.type == "text":
        return TextAnswerField(label, max_length=item.max_length, **common)
    raise ValueError(f"item {item.code}: unknown type {item.type!r}")


def build_page_form(questionnaire: Questionnaire, page: Page, lang: str,
                    districts: Sequence = ()) -> type[PageForm]:
    """A new form class with one field per item of ``page``."""
    attrs = {PREFIX + item.code: make_field(item, questionnaire, lang, districts)
             for item in page.items}
    return type(f"PageForm_{page.id}", (PageForm,), attrs)


#: Built form classes, by questionnaire (id, version, content hash), page, language
#: and district list. A class holds only unbound fields and is never changed after
#: it is built, so one class serves every request that asks for the same page.
_FORM_CLASSES: dict[tuple, type[PageForm]] = {}
_MAX_FORM_CLASSES = 1024


def page_form(questionnaire: Questionnaire, page: Page, lang: str,
              districts: Sequence[tuple[int, str]] = ()) -> type[PageForm]:
    """The form class of ``page``: built once, then reused for every request.

    Building a class from the definition costs more than the rest of a page
    save; a class is only rebuilt when anything it shows changes (another
    questionnaire file, language or district list).
    """
    key = (questionnaire.id, questionnaire.version, questionnaire.content_hash, page.id, lang,
           tuple(districts))
    form_class = _FORM_CLASSES.get(key)
    if form_class is None:
        if len(_FORM_CLASSES) >= _MAX_FORM_CLASSES:
            _FORM_CLASSES.clear()
        form_class = _FORM_CLASSES[key] = build_page_form(questionnaire, page, lang, districts)
    return form_class
