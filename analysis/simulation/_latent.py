"""The measurement model: correlated latent constructs and items cut from them.

Everything is in the *favourable* orientation: a higher latent value means the
child fares better, also for scales where a high score is bad (sadness,
bullying). For pupil :math:`i` in district :math:`d`, school :math:`s`:

.. math:: \\theta_{ik} = \\mu_{dk} + u_{sk} + g_{k,\\text{gender}} + a_{k,\\text{grade}} + e_{ik},
          \\quad e_i \\sim N(0, R),\\ u_{sk} \\sim N(0, \\sigma_s^2)

with :math:`\\mu_{dk} = -\\gamma_k z_d + \\delta_{dk}` (:math:`z_d` the standardised
deprivation). Item :math:`j` of scale :math:`k` answers category
:math:`c` (0 = least favourable) where :math:`\\tau_{c} \\le \\lambda_j \\theta_{ik}
+ b_j + \\varepsilon_{ij} < \\tau_{c+1}`, :math:`\\varepsilon \\sim N(0, \\sigma_\\varepsilon^2)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.questionnaire.model import Questionnaire, Scale

SIGMA_SCHOOL = 0.25    # sd of school effects on each latent construct
SIGMA_DISTRICT = 0.10  # sd of district effects not explained by deprivation
SIGMA_ITEM = 0.70      # sd of item-specific noise
THRESHOLD_SPREAD = 1.5


@dataclass(frozen=True)
class ItemModel:
    """How one item answers: loading, offset, thresholds, category -> stored value."""

    code: str
    scale: int               # index of the scale in Questionnaire.scales
    loading: float
    offset: float
    thresholds: np.ndarray   # ascending, len(values) - 1
    values: np.ndarray       # stored value of favourable category 0, 1, ...
    scored: np.ndarray       # scoring value (after reverse coding) of each category


@dataclass(frozen=True)
class LatentModel:
    """Parameters drawn for one simulated city."""

    scales: tuple[Scale, ...]
    favourable_high: np.ndarray  # (K,) True when a high score is good
    district_mean: np.ndarray    # (D, K) mu_dk
    school_effect: np.ndarray    # (S, K)
    gender_effect: np.ndarray    # (G, K)
    grade_effect: np.ndarray     # (A, K), rows in ascending grade order
    chol: np.ndarray             # (K, K) Cholesky factor of the correlation R
    items: dict[str, ItemModel]


def favourable_high(scale: Scale) -> bool:
    """True when a high score is favourable (categories listed low -> high)."""
    return scale.categories.labels[0] != "high"


def draw_model(rng, q: Questionnaire, deprivation: np.ndarray, n_schools: int,
               n_genders: int, n_grades: int) -> LatentModel:
    """Draw the city's effects and every scale item's parameters."""
    k = len(q.scales)
    sd = deprivation.std()
    z = (deprivation - deprivation.mean()) / sd if sd > 0 else np.zeros_like(deprivation)
    gamma = rng.uniform(0.15, 0.45, size=k)
    district_mean = -np.outer(z, gamma) + rng.normal(0.0, SIGMA_DISTRICT, size=(len(z), k))
    school_effect = rng.normal(0.0, SIGMA_SCHOOL, size=(n_schools, k))
    gender_effect = np.zeros((n_genders, k))
    gender_effect[0] = rng.normal(0.0, 0.15, size=k)       # girls against boys
    gender_effect[2:] = -0.35 + rng.normal(0.0, 0.05, size=(max(n_genders - 2, 0), k))
    grade_effect = np.outer(np.arange(n_grades), rng.normal(-0.05, 0.03, size=k))
    domains = np.array([s.domain for s in q.scales])
    corr = 0.25 + 0.20 * (domains[:, None] == domains[None, :])
    np.fill_diagonal(corr, 1.0)
    items: dict[str, ItemModel] = {}
    for s_no, scale in enumerate(q.scales):
        for code in scale.items:
            if code not in items:
                items[code] = _item_model(rng, q, code, s_no, favourable_high(scale))
    return LatentModel(q.scales, np.array([favourable_high(s) for s in q.scales], dtype=bool),
                       district_mean, school_effect, gender_effect, grade_effect,
                       np.linalg.cholesky(corr) if k else np.zeros((0, 0)), items)


def _item_model(rng, q: Questionnaire, code: str, s_no: int, high_is_good: bool) -> ItemModel:
    item = q.item(code)
    values = np.array(sorted(q.answer_scale(item.answer_scale).values), dtype=float)
    m = len(values)
    # stored value of favourable category c: ascending values when a high value is favourable
    value_up = high_is_good != bool(item.reverse)
    stored = values if value_up else values[::-1]
    scored = values.min() + values.max() - stored if item.reverse else stored
    return ItemModel(code, s_no, float(rng.uniform(0.7, 1.0)), float(rng.uniform(0.3, 1.0)),
                     np.linspace(-THRESHOLD_SPREAD, THRESHOLD_SPREAD, m - 1) if m > 2
                     else np.zeros(1), stored, scored)


def latent_scores(rng, model: LatentModel, district, school, gender, grade_no) -> np.ndarray:
    """Latent values (N, K) in the favourable orientation, float32."""
    n, k = len(district), len(model.scales)
    e = rng.standard_normal((n, k), dtype=np.float32) @ model.chol.T.astype(np.float32)
    e += model.district_mean[district].astype(np.float32)
    e += model.school_effect[school].astype(np.float32)
    e += model.gender_effect[gender].astype(np.float32)
    e += model.grade_effect[grade_no].astype(np.float32)
    return e


def answer_category(rng, item: ItemModel, theta: np.ndarray) -> np.ndarray:
    """Favourable category index (0 = worst) of every pupil for one item."""
    ystar = item.loading * theta + item.offset
    ystar += SIGMA_ITEM * rng.standard_normal(len(theta), dtype=np.float32)
    return np.searchsorted(item.thresholds, ystar, side="right")
