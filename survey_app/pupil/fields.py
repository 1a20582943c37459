"""One WTForms field class per kind of answer, each knowing its own checks.

Every field's ``data`` is the value as stored (a string) or ``None`` for "no
answer". A value a browser could not have sent (a choice that is not offered,
a number outside the range, an over-long text) is a validation error; the view
refuses such a post as tampered. A missing answer is never an error here:
required items are checked separately, and only when the pupil moves on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import ValidationError

#: Longest text a number field accepts before it is refused (guards ``int``).
_MAX_NUMBER_CHARS = 9
_NUMBER = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class Choice:
    """One answer option as shown: value, label (and its language), icon."""

    value: str
    label: str
    label_lang: str
    icon: str | None = None
    extra: bool = False  # "prefer not to say" / "don't know": shown apart


class AnswerField(Field):
    """Common base: raw input is a single string; empty means no answer."""

    kind = "text"

    def __init__(self, label=None, validators=None, *, item=None, text_lang=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.item = item
        self.text_lang = text_lang

    def process_formdata(self, valuelist):
        """Take the one posted value; several values are refused in :meth:`pre_validate`."""
        self.raw_values = list(valuelist)
        value = valuelist[0] if valuelist else None
        self.data = value if value not in (None, "") else None

    def pre_validate(self, form):
        """Refuse a field sent more than once (a browser sends one value)."""
        if len(getattr(self, "raw_values", ())) > 1:
            raise ValidationError(_l("More than one answer was sent for one question."))


class ChoiceAnswerField(AnswerField):
    """A choice among fixed options (single choice, rating, yes/no, district list)."""

    kind = "choice"

    def __init__(self, label=None, validators=None, *, choices=(), **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choices: tuple[Choice, ...] = tuple(choices)

    def pre_validate(self, form):
        """The value must be one of the offered options."""
        super().pre_validate(form)
        if self.data is not None and self.data not in {c.value for c in self.choices}:
            raise ValidationError(_l("This answer is not one of the options."))


class NumberAnswerField(AnswerField):
    """A whole number in ``[minimum, maximum]``; stored in plain digits."""

    kind = "number"

    def __init__(self, label=None, validators=None, *, minimum=0, maximum=0, unit=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum, self.unit = minimum, maximum, unit

    def pre_validate(self, form):
        """Digits only, within the range the definition gives."""
        super().pre_validate(form)
        if self.data is None:
            return
        raw = self.data.strip()
        if len(raw) > _MAX_NUMBER_CHARS or not _NUMBER.match(raw):
            raise ValidationError(_l("Please enter a whole number."))
        number = int(raw)
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(_l("Please enter a number from %(low)s to %(high)s.",
                                     low=self.minimum, high=self.maximum))
        self.data = str(number)


class TextAnswerField(AnswerField):
    """Short free text; surrounding spaces removed, control characters refused."""

    kind = "text"

    def __init__(self, label=None, validators=None, *, max_length=200, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.max_length = max_length

    def process_formdata(self, valuelist):
        """Strip the text; only spaces counts as no answer."""
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.replace("\r\n", "\n").strip() or None

    def pre_validate(self, form):
        """Not longer than allowed, and no invisible control characters."""
        super().pre_validate(form)
        if self.data is None:
            return
        if len(self.data) > self.max_length:
            raise ValidationError(_l("This text is longer than %(max)s characters.",
                                     max=self.max_length))
        if any(unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in "\n\t"
               for ch in self.data):
            raise ValidationError(_l("This text contains characters that are not allowed."))
