"""Expected district means under the simulation model, in closed form.

Given district, gender and grade, :math:`\\lambda_j\\theta + b_j + \\varepsilon_j`
is normal with mean :math:`\\lambda_j m + b_j` and variance
:math:`\\lambda_j^2 (1 + \\sigma_s^2) + \\sigma_\\varepsilon^2` (school effects are
integrated out: schools are the sampling units), so each answer category has
a normal-CDF probability. Item non-response, *prefer not to say* and
drop-outs are independent of the answers and exchangeable within a scale, so
the expected scale score is the mean of the items' expected scored values,
averaged over the (district-independent) gender and grade composition.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from ._latent import SIGMA_ITEM, SIGMA_SCHOOL, LatentModel


def expected_scores(model: LatentModel, gender_p: np.ndarray, grade_p: np.ndarray,
                    district_codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(expected scale scores, latent means) by district: DataFrames district x scale."""
    ids = [s.id for s in model.scales]
    # (D, G, A, K) latent mean of each pupil type
    mean = (model.district_mean[:, None, None, :] + model.gender_effect[None, :, None, :]
            + model.grade_effect[None, None, :, :])
    mix = gender_p[:, None] * grade_p[None, :]  # (G, A)
    sign = np.where(model.favourable_high, 1.0, -1.0)
    latent = np.einsum("dgak,ga->dk", mean, mix) * sign
    scores = np.zeros((len(district_codes), len(ids)))
    for k, scale in enumerate(model.scales):
        per_item = [_expected_item(model.items[c], mean[..., k]) for c in scale.items]
        scores[:, k] = np.einsum("dga,ga->d", np.mean(per_item, axis=0), mix)
    index = pd.Index(district_codes, name="district")
    return (pd.DataFrame(scores, index=index, columns=ids),
            pd.DataFrame(latent, index=index, columns=ids))


def _expected_item(item, m: np.ndarray) -> np.ndarray:
    """E[scored value] of one item for latent means ``m`` (any shape)."""
    sd = np.sqrt(item.loading ** 2 * (1.0 + SIGMA_SCHOOL ** 2) + SIGMA_ITEM ** 2)
    centre = item.loading * m + item.offset
    below = ndtr((item.thresholds[:, None] - centre.ravel()[None, :]) / sd)  # P(y* < tau_c)
    cdf = np.vstack([np.zeros_like(below[:1]), below, np.ones_like(below[:1])])
    probs = np.diff(cdf, axis=0)  # P(category c)
    return (item.scored[:, None] * probs).sum(axis=0).reshape(m.shape)
