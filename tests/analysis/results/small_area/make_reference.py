"""Reference values for tests/analysis/test_small_area.py, from samplics.

Run once with samplics installed (pip install samplics==0.6.1; tests do not
need it): ``python make_reference.py``. Writes ``fh_<case>_input.csv`` (the
fixture data, drawn here from a Fay-Herriot model with a fixed seed) and
``fh_<case>_samplics.csv`` (samplics' EblupAreaModel, method=FitMethod.reml: sigma_v^2,
beta, EBLUP and MSE = g1 + g2 + 2 g3 per area).
"""

import numpy as np
import pandas as pd
from samplics.sae import EblupAreaModel
from samplics.utils.types import FitMethod


def city(seed, areas, sigma_v, slope, covariate=True):
    rng = np.random.default_rng(seed)
    n = rng.integers(8, 400, size=areas)  # pupils per district
    poverty = rng.uniform(0.05, 0.45, size=areas).round(3)
    theta = 3.6 + (slope * poverty if covariate else 0) + rng.normal(0, sigma_v, size=areas)
    se = (0.9 / np.sqrt(n) * rng.uniform(0.8, 1.3, size=areas)).round(4)
    direct = (theta + rng.normal(0, se)).round(4)
    return pd.DataFrame({"group": [f"D{i:02d}" for i in range(areas)], "estimate": direct,
                         "se": se, "poverty": poverty, "pupils": n})


CASES = {
    "poverty": (city(1, 25, 0.12, -1.5), ["poverty"]),  # sigma_v^2 > 0, one covariate
    "intercept": (city(2, 15, 0.10, 0.0, covariate=False), []),  # intercept only
    "boundary": (city(3, 12, 0.0, -1.0), ["poverty"]),  # no area effect: REML at 0
}

for name, (data, covariates) in CASES.items():
    data.to_csv(f"fh_{name}_input.csv", index=False)
    X = data[covariates].to_numpy() if covariates else np.empty((len(data), 0))
    model = EblupAreaModel(method=FitMethod.reml)
    model.fit(yhat=data["estimate"].to_numpy(), X=X, area=data["group"].to_numpy(),
              error_std=data["se"].to_numpy(), intercept=True, tol=1e-12, maxiter=1000)
    model.predict(X=X, area=data["group"].to_numpy(), intercept=True)
    out = pd.DataFrame({"area": data["group"],
                        "eblup": [model.area_est[a] for a in data["group"]],
                        "mse": [model.area_mse[a] for a in data["group"]]})
    out["sigma2_v"] = model.re_std ** 2
    for i, b in enumerate(np.ravel(model.fixed_effects)):
        out[f"beta{i}"] = b
    out.to_csv(f"fh_{name}_samplics.csv", index=False, float_format="%.12g")
    print(name, model.re_std ** 2, model.convergence)
