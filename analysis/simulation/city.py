"""Synthetic cities: answered surveys with a known truth, for demos, tests and benchmarks.

A fictional city with districts (GeoJSON polygons with a deprivation
indicator), schools whose catchments cut across districts, and pupils who
answer a questionnaire from a latent-trait model (see
:mod:`analysis.simulation._latent`). The same seed always gives the same city.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.simulation import _answers as answers, _geography as geography, _latent as latent
from analysis.simulation import _background as background, _population as population
from analysis.simulation import _truth as truth
from analysis.questionnaire.model import Questionnaire

__all__ = ["FIXED_COLUMNS", "SimulatedCity", "simulate_city"]

#: The fixed leading columns of the wide responses table (design section 4).
FIXED_COLUMNS = ("response_id", "wave", "school", "class", "district", "grade", "gender",
                 "language")


@dataclass(frozen=True)
class SimulatedCity:
    """A simulated city and its survey.

    Attributes
    ----------
    responses : pandas.DataFrame
        Wide responses: :data:`FIXED_COLUMNS`, then one column per item code
        (nullable integers; district and text columns as objects; missing is
        ``<NA>`` / ``None``).
    districts : dict
        GeoJSON FeatureCollection; each feature has ``code``, ``name``,
        ``deprivation`` (share of children in families on benefits) and
        ``pupil_share``.
    enrolment : pandas.DataFrame
        Enrolled pupils by ``school, grade, gender`` (column ``pupils``), at
        least the respondents of every cell.
    schools : pandas.DataFrame
        ``school, name, district, lon, lat`` of every school.
    true_means : pandas.DataFrame
        Expected scale score by home district (rows: district codes, columns:
        scale ids) under the model, averaging over school effects: the target
        a design-based district mean estimates.
    latent_means : pandas.DataFrame
        Mean latent construct by district, oriented like the score.
    """

    responses: pd.DataFrame
    districts: dict
    enrolment: pd.DataFrame
    schools: pd.DataFrame
    true_means: pd.DataFrame = field(repr=False)
    latent_means: pd.DataFrame = field(repr=False)

    def write(self, directory: str | Path) -> dict[str, Path]:
        """Write ``responses.csv``, ``districts.geojson`` and ``enrolment.csv``.

        Examples
        --------
        >>> import tempfile
        >>> from analysis.questionnaire import load
        >>> from questionnaires import SHIPPED
        >>> city = simulate_city(load(SHIPPED), 50, districts=3, schools=2, seed=1)
        >>> sorted(city.write(tempfile.mkdtemp()))
        ['districts', 'enrolment', 'responses']
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths = {"responses": out / "responses.csv", "districts": out / "districts.geojson",
                 "enrolment": out / "enrolment.csv"}
        self.responses.to_csv(paths["responses"], index=False, lineterminator="\n")
        paths["districts"].write_text(json.dumps(self.districts, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
        self.enrolment.to_csv(paths["enrolment"], index=False, lineterminator="\n")
        return paths


def simulate_city(
    questionnaire: Questionnaire,
    pupils: int,
    *,
    districts: int = 24,
    schools: int | None = None,
    seed: int = 0,
    wave: str = "2026",
    progress: bool | None = False,
    city_seed: int | None = None,
) -> SimulatedCity:
    """Simulate a city's survey: responses, district polygons, enrolment.

    Parameters
    ----------
    questionnaire : Questionnaire
        The definition to answer; the items with roles ``grade``, ``gender``,
        ``district`` and ``home_language`` agree with the fixed columns.
    pupils : int
        Number of respondents (rows).
    districts : int
        Number of districts (default 24).
    schools : int, optional
        Number of schools (default: one per 400 pupils, at least 5).
    seed : int
        Random seed; the same seed gives identical output.
    city_seed : int or None
        Seed of the city alone (districts, their deprivation, schools); ``None``:
        ``seed``. The same ``city_seed`` with another ``seed`` is another wave of
        the same city: other pupils, the same districts and pattern.
    wave : str
        Value of the ``wave`` column.
    progress : bool or None
        Show a progress bar on stderr; ``None`` shows it when stderr is a
        terminal and the run is large.

    Returns
    -------
    SimulatedCity

    Notes
    -----
    Latent constructs per scale are correlated (0.45 within a domain, 0.25
    across), shift with district deprivation, school random effects (sd
    0.25), gender and grade; items are cut from the latent through
    thresholds (reverse-coded items reversed). About 2 % of answers are
    missing, 3 % *prefer not to say* where offered, 5 % of pupils drop out
    (every later page empty), 6 % answer "don't know" for their district;
    free-text items are mostly empty. All missingness is independent of the
    answers, so :attr:`SimulatedCity.true_means` is what unbiased district
    estimates aim at.

    Examples
    --------
    >>> from analysis.questionnaire import load
    >>> from questionnaires import SHIPPED
    >>> city = simulate_city(load(SHIPPED), 200, districts=4, schools=3, seed=7)
    >>> city.responses.shape[0], len(city.districts["features"])
    (200, 4)
    >>> list(city.responses.columns[:8])
    ['response_id', 'wave', 'school', 'class', 'district', 'grade', 'gender', 'language']
    >>> bool((city.enrolment.groupby("school")["pupils"].sum() >=
    ...       city.responses.groupby("school").size()).all())
    True
    """
    if not isinstance(questionnaire, Questionnaire):
        raise ValueError(f"questionnaire must be a Questionnaire, not {type(questionnaire).__name__}")
    for name, value, low in (("pupils", pupils, 1), ("districts", districts, 1),
                             ("schools", schools if schools is not None else 1, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be a whole number of at least {low}, not {value!r}")
    schools = schools if schools is not None else max(5, -(-pupils // 400))
    q = questionnaire
    rng = {part: np.random.default_rng([seed, k]) for k, part in enumerate(
        ("city", "pupils", "model", "latent", "answers", "enrolment", "language"))}
    if city_seed is not None:
        rng["city"] = np.random.default_rng([city_seed, 0])
    city = geography.build_city(rng["city"], districts, schools)
    grades, gender_values = background.grades(q), background.gender_values(q)
    gender_p = background.gender_shares(len(gender_values))
    kids = population.draw_pupils(rng["pupils"], city, pupils, grades, gender_p)
    model = latent.draw_model(rng["model"], q, city.deprivation, schools, len(gender_values),
                              len(grades))
    grade_no = np.searchsorted(grades, kids.grade)
    theta = latent.latent_scores(rng["latent"], model, kids.district, kids.school, kids.gender,
                                 grade_no)
    home = background.home_language(rng["language"], q, city.deprivation[kids.district])
    codes = np.asarray(city.codes, dtype=object)
    known = {"grade": kids.grade, "gender": np.asarray(gender_values)[kids.gender],
             "district": codes[kids.district]}
    if home is not None:
        known["home_language"] = home[0]
    show = progress if progress is not None else (pupils >= 200_000 and sys.stderr.isatty())
    items = answers.item_columns(rng["answers"], q, model, theta, known,
                                 iterate=_progress(show, len(q.pages)))
    del theta
    fixed = {
        "response_id": np.arange(1, pupils + 1),
        "wave": np.full(pupils, wave, dtype=object),
        "school": np.asarray(city.school_codes, dtype=object)[kids.school],
        "class": np.asarray(population.class_labels(kids.grade, kids.class_no), dtype=object),
        "district": background.role_column(q, "district", items, known["district"]),
        "grade": background.role_column(q, "grade", items, kids.grade),
        "gender": background.role_column(q, "gender", items, known["gender"]),
        "language": background.survey_language(rng["language"], q, home, pupils),
    }
    responses = pd.DataFrame({**fixed, **{c: v for c, v in items.items() if c not in fixed}})
    true_means, latent_means = truth.expected_scores(
        model, gender_p, np.full(len(grades), 1.0 / len(grades)), city.codes)
    schools_table = pd.DataFrame({
        "school": city.school_codes, "name": city.school_names,
        "district": codes[city.school_district],
        "lon": np.round(7.10 + city.school_xy[:, 0] * 0.025, 6),
        "lat": np.round(51.40 + city.school_xy[:, 1] * 0.016, 6)})
    return SimulatedCity(responses, geography.geojson(city),
                         population.enrolment(rng["enrolment"], city, kids, grades, gender_values),
                         schools_table, true_means, latent_means)


def _progress(show: bool, total: int):
    if not show:
        return iter
    from tqdm import tqdm

    return lambda pages: tqdm(pages, total=total, desc="simulating pages", unit="page",
                              file=sys.stderr)
