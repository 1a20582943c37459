"""Questionnaire definitions: the typed model, the YAML loader and its checks.

``load(path)`` returns a frozen :class:`Questionnaire` or raises
:class:`QuestionnaireError` listing every problem with file and line;
``validate(path)`` returns those problems without raising. The format is
documented in ``questionnaires/README.md``.
"""

from .loader import Problem, QuestionnaireError, load, validate
from .model import (
    DONT_KNOW,
    AnswerOption,
    AnswerScale,
    Asset,
    Categories,
    ChoiceItem,
    Condition,
    Index,
    Item,
    Language,
    LevelRule,
    NumberItem,
    Page,
    PreferNotToSay,
    Questionnaire,
    RatingItem,
    Scale,
    Scoring,
    TextItem,
    WaveListItem,
    YesNoItem,
)

__all__ = [
    "DONT_KNOW", "AnswerOption", "AnswerScale", "Asset", "Categories", "ChoiceItem", "Condition",
    "Index", "Item", "Language", "LevelRule", "NumberItem", "Page", "PreferNotToSay", "Problem",
    "Questionnaire", "QuestionnaireError", "RatingItem", "Scale", "Scoring", "TextItem",
    "WaveListItem", "YesNoItem", "load", "validate",
]
