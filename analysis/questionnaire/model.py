"""Typed, frozen objects for a questionnaire definition.

These classes are the schema of the YAML format documented in
``questionnaires/README.md``: the loader parses YAML, validates it against
these models (structure, types, value ranges) and then runs the cross-reference
checks in :mod:`analysis.questionnaire._checks` (unknown items in a scale,
missing translations, conditions on later items, ...).

Everything is immutable once loaded: the web app and the analysis share one
definition object and must never change it behind each other's back.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated, Literal, Mapping, Union

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      StringConstraints)
from pydantic_core import PydanticCustomError


def _no_bool(kind: str, message: str = "") -> BeforeValidator:
    """Refuse YAML's ``true``/``false`` where a number is meant.

    ``bool`` is a subclass of ``int`` in Python, so pydantic would take
    ``value: true`` as the answer value 1 (and ``false`` as 0) without a word;
    a survey team that typed it meant something else, and must be told.
    """
    def check(value):
        if isinstance(value, bool):
            raise PydanticCustomError(kind, message or kind)
        return value
    return BeforeValidator(check)


#: A whole number (answer values, bounds, grades); ``true``/``false`` are refused.
Whole = Annotated[int, _no_bool("int_type")]

#: A number (cut-offs, score ranges); ``true``/``false`` are refused.
Real = Annotated[float, _no_bool("float_type")]

#: An answer value a condition compares with: a whole number or a text (wave lists).
ConditionValue = Annotated[int | str, _no_bool(
    "condition_value", "must be an answer value (a whole number or a text), not true or false")]

#: An identifier used in YAML and as a column name in exports.
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]

#: A text in several languages, e.g. ``{"de": "Hallo", "en": "Hello"}``.
Text = Annotated[
    dict[Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")],
         Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]],
    AfterValidator(MappingProxyType),
]

#: Icons an answer option may show beside its label (rendered by the pupil app).
Icon = Literal["very_sad", "sad", "neutral", "happy", "very_happy"]

#: Category ids a scale's cut-offs may produce, always listed by ascending score.
CategoryId = Literal["low", "medium", "high"]

#: Bounds on how many of an index's scales fall into a category.
Counts = Annotated[dict[CategoryId, Annotated[Whole, Field(ge=0)]], AfterValidator(MappingProxyType)]

#: Item roles whose answers fill the fixed columns of the wide responses CSV.
Role = Literal["grade", "gender", "district", "home_language"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class Language(_Frozen):
    """A language the questionnaire is offered in."""

    code: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
    name: str  # the language's own name, e.g. "Türkçe"
    direction: Literal["ltr", "rtl"] = "ltr"
    #: False until a native speaker has checked the translation.
    checked: bool = True


class AnswerOption(_Frozen):
    """One answer option of an answer scale."""

    value: Whole
    label: Text
    icon: Icon | None = None


class PreferNotToSay(_Frozen):
    """An extra option stored as ``value`` but treated as missing when scoring."""

    value: Whole
    label: Text


class AnswerScale(_Frozen):
    """A reusable list of answer options (agreement, frequency, yes/no, choices)."""

    id: Ident
    options: tuple[AnswerOption, ...] = Field(min_length=2)
    prefer_not_to_say: PreferNotToSay | None = None

    @property
    def values(self) -> tuple[int, ...]:
        """Values of the substantive options (without prefer-not-to-say)."""
        return tuple(o.value for o in self.options)

    @property
    def all_values(self) -> tuple[int, ...]:
        """Every value a pupil may store for this scale."""
        extra = (self.prefer_not_to_say.value,) if self.prefer_not_to_say else ()
        return self.values + extra


class Condition(_Frozen):
    """Show an item only if an earlier item's answer is one of ``in_``."""

    item: Ident
    in_: tuple[ConditionValue, ...] = Field(alias="in", min_length=1)


class _ItemBase(_Frozen):
    code: Ident
    text: Text
    help: Text | None = None  # optional explanation shown under the question
    required: bool = False
    show_if: Condition | None = None
    role: Role | None = None


class ChoiceItem(_ItemBase):
    """Single choice from a list of options (vertical list)."""

    type: Literal["single_choice"]
    answer_scale: Ident
    reverse: bool = False


class RatingItem(_ItemBase):
    """Agreement or frequency rating (horizontal, may show smileys)."""

    type: Literal["rating"]
    answer_scale: Ident
    reverse: bool = False


class YesNoItem(_ItemBase):
    """Yes/no question: its answer scale must have exactly two options."""

    type: Literal["yes_no"]
    answer_scale: Ident
    reverse: bool = False


class NumberItem(_ItemBase):
    """A number within ``[min, max]`` (e.g. hours of sleep).

    ``decimals`` is how many digits after the decimal separator an answer may
    have (0, the default: whole numbers; 1 allows "8,5" hours).
    """

    type: Literal["number"]
    min: Whole
    max: Whole
    unit: Text | None = None
    decimals: Whole = Field(default=0, ge=0, le=2)


class WaveListItem(_ItemBase):
    """A choice from a list the wave supplies (``districts``), with "don't know"."""

    type: Literal["wave_list"]
    list: Literal["districts"]
    dont_know: Text | None = None  # stored as the value ``DONT_KNOW``


class TextItem(_ItemBase):
    """Short free text; never scored, never exported for small groups."""

    type: Literal["text"]
    max_length: Whole = Field(default=200, ge=1, le=2000)


Item = Annotated[
    Union[ChoiceItem, RatingItem, YesNoItem, NumberItem, WaveListItem, TextItem],
    Field(discriminator="type"),
]

#: The value a :class:`WaveListItem` stores when the pupil answers "don't know".
DONT_KNOW = "dont_know"


class Page(_Frozen):
    """One screen of the questionnaire."""

    id: Ident
    title: Text
    intro: Text | None = None
    items: tuple[Item, ...] = Field(min_length=1)


class Scoring(_Frozen):
    """Scale score = mean of the answered (reverse-coded) items if enough answered."""

    method: Literal["mean"] = "mean"
    min_answered: Whole = Field(ge=1)


class Categories(_Frozen):
    """Cut-offs splitting the score range into categories.

    ``labels`` name the bins by ascending score, so ``len(labels) ==
    len(cuts) + 1``. A score ``s`` falls into bin ``i`` where ``cuts[i-1] <= s
    < cuts[i]`` (lower bound inclusive). For a scale where a high score is bad
    (sadness, worries) list the labels as ``[high, medium, low]``: the category
    always says how favourable the result is.
    """

    cuts: tuple[Real, ...] = Field(min_length=1, max_length=2)
    labels: tuple[CategoryId, ...] = Field(min_length=2, max_length=3)
    rationale: str = Field(min_length=1)


class Scale(_Frozen):
    """A construct measured by several items and scored by ``scoring``."""

    id: Ident
    label: Text
    domain: Literal["environments", "wellbeing", "development"]
    items: tuple[Ident, ...] = Field(min_length=1)
    scoring: Scoring
    range: tuple[Real, Real]
    categories: Categories
    description: str | None = None  # what the construct is, for planners


class LevelRule(_Frozen):
    """An index level: matches when every count bound holds (empty = otherwise)."""

    id: Ident
    label: Text
    at_least: Counts = Field(default_factory=lambda: MappingProxyType({}))
    at_most: Counts = Field(default_factory=lambda: MappingProxyType({}))


class Index(_Frozen):
    """A pupil-level index built from several scales' categories.

    ``levels`` are tried in order and the first that matches wins; the last
    level should have no bounds ("otherwise"). A pupil with fewer than
    ``min_scored`` categorised scales gets no index value.
    """

    id: Ident
    label: Text
    scales: tuple[Ident, ...] = Field(min_length=2)
    min_scored: Whole = Field(ge=1)
    levels: tuple[LevelRule, ...] = Field(min_length=2)
    rationale: str = Field(min_length=1)


class Asset(_Frozen):
    """A pupil has the asset when the scale's category is one of ``present_if``."""

    id: Ident
    label: Text
    scale: Ident
    present_if: tuple[CategoryId, ...] = Field(min_length=1)


class Questionnaire(_Frozen):
    """A complete, validated questionnaire definition."""

    id: Ident
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]
    title: Text
    licence: str = Field(min_length=1)
    grades: tuple[Whole, Whole]
    languages: tuple[Language, ...] = Field(min_length=1)
    answer_scales: tuple[AnswerScale, ...] = Field(min_length=1)
    pages: tuple[Page, ...] = Field(min_length=1)
    scales: tuple[Scale, ...] = ()
    indices: tuple[Index, ...] = ()
    assets: tuple[Asset, ...] = ()
    end_help: Text | None = None  # help text shown on the thank-you page
    #: SHA-256 of the file's bytes, set by the loader (a wave pins it).
    content_hash: str = ""

    # -- lookups ---------------------------------------------------------
    @property
    def language_codes(self) -> tuple[str, ...]:
        """Language codes, the default (first) first."""
        return tuple(lang.code for lang in self.languages)

    @property
    def items(self) -> tuple[Item, ...]:
        """All items in questionnaire order."""
        return tuple(item for page in self.pages for item in page.items)

    def item(self, code: str) -> Item:
        """The item with ``code`` (``KeyError`` if there is none)."""
        return self._item_map[code]

    def answer_scale(self, scale_id: str) -> AnswerScale:
        """The answer scale with ``scale_id`` (``KeyError`` if there is none)."""
        return {s.id: s for s in self.answer_scales}[scale_id]

    def scale(self, scale_id: str) -> Scale:
        """The scale with ``scale_id`` (``KeyError`` if there is none)."""
        return {s.id: s for s in self.scales}[scale_id]

    def page(self, page_id: str) -> Page:
        """The page with ``page_id`` (``KeyError`` if there is none)."""
        return {p.id: p for p in self.pages}[page_id]

    def item_by_role(self, role: str) -> Item | None:
        """The item that fills a fixed export column (grade, gender, ...)."""
        return next((i for i in self.items if i.role == role), None)

    @property
    def _item_map(self) -> Mapping[str, Item]:
        return {item.code: item for item in self.items}
