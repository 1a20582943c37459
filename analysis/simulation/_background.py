"""The pupils' background as the questionnaire asks it (private to :mod:`analysis.simulation`).

Grades, gender options, home and survey languages, and the fixed columns of
the roles (district, grade, gender) taken from the items that ask them, so
that a simulated city answers exactly the questionnaire it is given.
"""

from __future__ import annotations

import numpy as np

from analysis.questionnaire.model import Questionnaire


def grades(q: Questionnaire) -> np.ndarray:
    item = q.item_by_role("grade")
    low, high = q.grades
    if item is not None and item.type == "number":
        low, high = max(low, item.min), min(high, item.max)
    grades = np.arange(low, high + 1)
    if item is not None and item.type == "single_choice":
        allowed = q.answer_scale(item.answer_scale).values
        grades = np.array(sorted(g for g in allowed if low <= g <= high) or sorted(allowed))
    return grades.astype(np.int64)


def gender_values(q: Questionnaire) -> tuple:
    item = q.item_by_role("gender")
    if item is None or not hasattr(item, "answer_scale"):
        return (1, 2, 3)
    return q.answer_scale(item.answer_scale).values


def gender_shares(n: int) -> np.ndarray:
    """About half girls, half boys; the remaining options share 2 %."""
    if n <= 2:
        return np.full(n, 1.0 / n)
    return np.array([0.49, 0.49] + [0.02 / (n - 2)] * (n - 2))


def home_language(rng, q: Questionnaire, deprivation: np.ndarray):
    """(stored home-language value, option index) per pupil; more multilingual where deprived."""
    item = q.item_by_role("home_language")
    if item is None or not hasattr(item, "answer_scale"):
        return None
    values = np.asarray(q.answer_scale(item.answer_scale).values)
    first = np.clip(0.85 - 0.9 * deprivation, 0.2, 0.95)
    u = rng.random(len(deprivation))
    rest = np.clip((u - first) / (1.0 - first), 0.0, 1.0 - 1e-9)  # uniform among the others
    index = np.where(u < first, 0, 1 + np.floor(rest ** 1.7 * (len(values) - 1)))
    index = np.minimum(index, len(values) - 1).astype(np.int64)
    return values[index], index


def survey_language(rng, q: Questionnaire, home, n: int) -> np.ndarray:
    """The questionnaire language: mostly the default, more often another for multilingual homes."""
    codes = np.asarray(q.language_codes, dtype=object)
    other_home = home[1] > 0 if home is not None else np.zeros(n, dtype=bool)
    other = rng.random(n) < np.where(other_home, 0.12, 0.02)
    if len(codes) == 1:
        return np.full(n, codes[0], dtype=object)
    pick = 1 + rng.integers(0, len(codes) - 1, size=n)
    return np.where(other, codes[pick], codes[0])


def role_column(q: Questionnaire, role: str, items: dict, fallback):
    """The fixed column of a role: the item's answers when the questionnaire asks it."""
    item = q.item_by_role(role)
    return items[item.code] if item is not None else fallback
