"""The simulated pupils: home district, school, grade, class, gender, enrolment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._geography import City


@dataclass(frozen=True)
class Pupils:
    """One entry per responding pupil (arrays of length N)."""

    district: np.ndarray  # index into City.codes (where the pupil lives)
    school: np.ndarray    # index into City.school_codes
    grade: np.ndarray     # grade number
    gender: np.ndarray    # index into the gender values (0 girl, 1 boy, 2+ others)
    class_no: np.ndarray  # class number within school x grade (0 = "a")


def draw_pupils(rng: np.random.Generator, city: City, n: int, grades: np.ndarray,
                gender_p: np.ndarray) -> Pupils:
    """Draw ``n`` pupils: district by size, school by catchment, classes of about 26."""
    n_d, n_s = city.catchment.shape
    district = rng.choice(n_d, size=n, p=city.size)
    # P(school | district) by inverse CDF on the rows of the catchment matrix laid end
    # to end: row d occupies [d, d + 1), so one searchsorted serves every pupil.
    cdf = np.cumsum(city.catchment, axis=1)
    cdf[:, -1] = 1.0
    flat = (cdf + np.arange(n_d)[:, None]).ravel()
    school = np.searchsorted(flat, district + rng.random(n), side="right") - district * n_s
    school = np.minimum(school, n_s - 1)
    grade = grades[rng.integers(0, len(grades), size=n)]
    gender = rng.choice(len(gender_p), size=n, p=gender_p)

    cell = school * len(grades) + np.searchsorted(grades, grade)
    per_cell = np.bincount(cell, minlength=n_s * len(grades))
    n_classes = np.maximum(1, np.rint(per_cell / 26.0)).astype(np.int64)
    class_no = np.floor(rng.random(n) * n_classes[cell]).astype(np.int64)
    return Pupils(district, school, grade, gender, class_no)


def class_labels(grade: np.ndarray, class_no: np.ndarray) -> pd.Categorical:
    """Class names such as ``5a``; beyond ``z`` classes are numbered (``5-27``)."""
    grades, g = np.unique(grade, return_inverse=True)
    n_max = int(class_no.max(initial=0)) + 1
    suffix = [chr(ord("a") + k) if k < 26 else f"-{k + 1}" for k in range(n_max)]
    names = [f"{gr}{sx}" for gr in grades for sx in suffix]
    return pd.Categorical.from_codes(g * n_max + class_no, categories=names)


def enrolment(rng: np.random.Generator, city: City, pupils: Pupils, grades: np.ndarray,
              gender_values: tuple) -> pd.DataFrame:
    """Enrolled pupils per school x grade x gender: respondents plus non-respondents.

    Each school has its own response rate (60-95 %), so the enrolment is larger
    than the number of respondents in every cell and weights vary by school.
    """
    n_s, n_g, n_x = len(city.school_codes), len(grades), len(gender_values)
    cell = (pupils.school * n_g + np.searchsorted(grades, pupils.grade)) * n_x + pupils.gender
    respondents = np.bincount(cell, minlength=n_s * n_g * n_x)
    rate = np.repeat(rng.uniform(0.60, 0.95, size=n_s), n_g * n_x)
    missing = rng.poisson(respondents * (1.0 - rate) / rate)
    # a cell where nobody answered may still have a few enrolled pupils
    missing += np.where(respondents == 0, rng.poisson(0.3, size=respondents.size), 0)
    school, rest = np.divmod(np.arange(respondents.size), n_g * n_x)
    grade, gender = np.divmod(rest, n_x)
    table = pd.DataFrame({
        "school": np.asarray(city.school_codes, dtype=object)[school],
        "grade": grades[grade],
        "gender": np.asarray(gender_values)[gender],
        "pupils": respondents + missing,
    })
    return table[table["pupils"] > 0].reset_index(drop=True)
