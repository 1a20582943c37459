"""One WTForms field class per kind of answer, each knowing its own checks.

Every field's ``data`` is the value as stored (a string) or ``None`` for "no
answer". A value a browser could not have sent (a choice that is not offered,
an over-long text) is a validation error; the view refuses such a post as
tampered. A number the pupil typed wrongly is their mistake, not tampering
(see :class:`NumberAnswerField`). A missing answer is never an error here:
required items are checked separately, and only when the pupil moves on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import ValidationError

#: Longest text a number field accepts; the input's ``maxlength``, so longer is tampering.
MAX_NUMBER_CHARS = 12
_NUMBER = re.compile(r"^([+-]?)(\d+)(?:[.,](\d*))?$")
_DECIMAL_SIGNS = {"\u066b": ".", "\u060c": ","}  # Arabic decimal separator, Arabic comma


@dataclass(frozen=True)
class Choice:
    """One answer option as shown: value, label (and its language), icon."""

    value: str
    label: str
    label_lang: str
    icon: str | None = None
    extra: bool = False  # "prefer not to say" / "don't know": shown apart
    places: tuple[str, ...] = ()  # well-known places of a district, for the search box


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
    """A number in ``[minimum, maximum]`` with at most ``decimals`` digits after the separator.

    Pupils type as they write: ``8,5`` (German decimal comma), ``8.5``, or
    with Arabic-Indic digits. It is stored with a point and no trailing
    zeros (``8.5``, ``9``). A number that does not fit is the pupil's
    mistake, not tampering: ``mistake`` holds a child-friendly message in the
    pupil's language, and the page is shown again with it.
    """

    kind = "number"
    max_chars = MAX_NUMBER_CHARS

    def __init__(self, label=None, validators=None, *, minimum=0, maximum=0, unit=None,
                 decimals=0, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum, self.unit = minimum, maximum, unit
        self.decimals = decimals
        self.mistake: str | None = None
        self.typed: str | None = None

    def pre_validate(self, form):
        """A number within the range, with no more decimals than the definition allows."""
        super().pre_validate(form)
        self.mistake = None
        if self.data is None:
            return
        self.typed = self.data
        if len(self.data) > MAX_NUMBER_CHARS:
            # longer than the box's maxlength lets one type: a hand-made post, refused as
            # tampering, with what the box takes (not "a whole number" where decimals are)
            raise ValidationError(self.range_message())
        raw = "".join(_ascii_digit(ch) for ch in self.data.strip()).replace(" ", "")
        match = _NUMBER.match(raw)
        fraction = (match.group(3) or "").rstrip("0") if match else ""
        if match and fraction and not self.decimals:
            self._fail(_("Please write a whole number from %(low)s to %(high)s, without a comma, "
                         "for example %(example)s.", low=self.minimum, high=self.maximum,
                         example=format_decimal(self.example())))
        if not match or len(fraction) > self.decimals:
            self._fail(self.range_message())
        number = Decimal(f"{match.group(1)}{match.group(2)}.{fraction or '0'}")
        if not self.minimum <= number <= self.maximum:
            self._fail(self.range_message())
        text = f"{number:f}"
        self.data = (text.rstrip("0").rstrip(".") if "." in text else text).lstrip("+")
        if self.data in ("-0", ""):
            self.data = "0"

    def example(self):
        """A number in the range to show how to write one (``8.5`` for 3-14 with decimals)."""
        middle = (self.minimum + self.maximum) // 2
        if self.decimals and middle + 0.5 <= self.maximum:
            return Decimal(middle) + Decimal("0.5")
        return middle

    def range_message(self) -> str:
        """What to write, in the pupil's language, with an example in their number format."""
        return _("Please write a number from %(low)s to %(high)s, for example %(example)s.",
                 low=self.minimum, high=self.maximum, example=format_decimal(self.example()))

    def shown_value(self) -> str:
        """The value in the input box: as typed after a mistake, else in the pupil's format."""
        if self.mistake is not None:
            return self.typed or ""
        if self.data is None:
            return ""
        try:
            return format_decimal(Decimal(self.data), format="0.##")
        except (ArithmeticError, ValueError, TypeError):
            return self.data

    def _fail(self, message: str):
        self.mistake = message
        raise ValidationError(message)


def _ascii_digit(ch: str) -> str:
    """``٨`` -> ``8``; the Arabic decimal separator -> ``.``; anything else unchanged."""
    if ch in _DECIMAL_SIGNS:
        return _DECIMAL_SIGNS[ch]
    if ch.isdigit() and not ch.isascii():
        try:
            return str(unicodedata.decimal(ch))
        except ValueError:
            return ch
    return ch


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
