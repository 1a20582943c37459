"""Write the reliability fixture CSVs (deterministic; run from the repository root).

    python tests/analysis/reliability/files/make_fixtures.py

``items6.csv``: 250 pupils, six 1-5 items of one factor with unequal loadings,
about 7 % answers missing at random and three pupils with no answer at all,
and a ``language`` column (de / tr / uk). ``small_responses.csv``: 160 pupils
answering the items of ``tests/questionnaire/files/small.yaml`` in the wide
format, with missing answers and *prefer not to say* (99).
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def ordinal(latent, cuts):
    """Answer categories 1..len(cuts)+1 from a latent value."""
    return 1 + np.searchsorted(np.asarray(cuts), latent)


def items6(rng):
    n, loadings = 250, np.array([0.8, 0.7, 0.65, 0.55, 0.45, 0.3])
    factor = rng.standard_normal(n)
    latent = factor[:, None] * loadings + rng.standard_normal((n, 6)) * np.sqrt(1 - loadings**2)
    answers = ordinal(latent, [-1.3, -0.4, 0.4, 1.2]).astype(float)
    answers[rng.random(answers.shape) < 0.07] = np.nan
    answers[[17, 101, 222]] = np.nan
    frame = pd.DataFrame(answers, columns=[f"x{j}" for j in range(1, 7)]).astype("Int64")
    frame.insert(0, "language", rng.choice(["de", "tr", "uk"], size=n, p=[0.6, 0.24, 0.16]))
    return frame


def small_responses(rng):
    n = 160
    wellbeing = rng.standard_normal(n)
    happy = ordinal(0.75 * wellbeing[:, None] + 0.66 * rng.standard_normal((n, 3)), [-1, 0, 1])
    happy[:, 2] = 5 - happy[:, 2]  # the reverse-coded item is worded the other way
    sad = ordinal(-0.6 * wellbeing[:, None] + 0.8 * rng.standard_normal((n, 2)), [-0.8, 0.3, 1.1])
    answers = np.hstack([happy, sad]).astype(float)
    answers[rng.random(answers.shape) < 0.05] = np.nan
    answers[rng.random(answers.shape) < 0.03] = 99
    items = pd.DataFrame(answers, columns=["happy_1", "happy_2", "happy_3", "sad_1", "sad_2"])
    fixed = pd.DataFrame({
        "response_id": [f"r{i:03d}" for i in range(n)], "wave": "2024",
        "school": rng.choice(["s1", "s2", "s3"], size=n), "class": "5a",
        "district": rng.choice(["d1", "d2"], size=n), "grade": 5,
        "gender": rng.choice([1, 2], size=n),
        "language": rng.choice(["de", "en", "tr"], size=n, p=[0.55, 0.3, 0.15]),
    })
    return pd.concat([fixed, items.astype("Int64")], axis=1).assign(club=rng.choice([0, 1], size=n))


if __name__ == "__main__":
    rng = np.random.default_rng(20240521)
    items6(rng).to_csv(HERE / "items6.csv", index=False)
    small_responses(rng).to_csv(HERE / "small_responses.csv", index=False)
