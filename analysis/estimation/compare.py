"""Comparisons: each district against the whole city, and against a previous wave."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from ._frames import ALL, as_design
from ._linearisation import city_contrast_variance
from .estimates import _means, _shares

_METHODS = {"holm": "holm", "bh": "bh", "fdr_bh": "bh", "bonferroni": "bonferroni",
            "none": None}
_KEYS = ["group_var", "group", "measure", "statistic"]


def adjust_pvalues(p, method: str = "holm") -> np.ndarray:
    """Adjust p-values for multiple comparisons, as R ``p.adjust``.

    Parameters
    ----------
    p : array_like
        P-values; NaN entries are left out of the family and stay NaN.
    method : {"holm", "bh", "bonferroni", "none"}
        Holm's step-down (default), Benjamini-Hochberg false discovery rate,
        Bonferroni, or no adjustment.

    Returns
    -------
    numpy.ndarray

    Notes
    -----
    Holm: with sorted :math:`p_{(1)}\\le\\dots\\le p_{(m)}`,
    :math:`\\tilde p_{(i)}=\\max_{j\\le i}\\min(1,(m-j+1)p_{(j)})`.
    BH: :math:`\\tilde p_{(i)}=\\min_{j\\ge i}\\min(1, m\\,p_{(j)}/j)`.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scand. J. Statist.* 6, 65-70.
    Benjamini, Y., Hochberg, Y. (1995). Controlling the false discovery rate.
    *JRSS B* 57, 289-300.

    Examples
    --------
    >>> from analysis.estimation import adjust_pvalues
    >>> adjust_pvalues([0.01, 0.04, 0.03, float("nan")]).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {sorted(_METHODS)}, got {method!r}")
    p = np.asarray(p, dtype=float)
    finite = np.isfinite(p)
    if np.any((p[finite] < 0) | (p[finite] > 1)):
        raise ValueError("p-values must lie between 0 and 1")
    out = p.copy()
    if finite.any() and _METHODS[method] is not None:
        out[finite] = _p_adjust(p[finite], _METHODS[method])
    return out


def _p_adjust(p: np.ndarray, method: str) -> np.ndarray:
    """R's ``p.adjust`` in numpy (statsmodels' version runs ``gc.collect`` per call)."""
    m = len(p)
    if method == "bonferroni":
        return np.minimum(1.0, m * p)
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "holm":
        adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * ranked))
    else:  # Benjamini-Hochberg
        scaled = m * ranked / np.arange(1, m + 1)
        adjusted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    out = np.empty(m)
    out[order] = adjusted
    return out


def _t_test(diff, se, df):
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = diff / se
        return np.where((df >= 1) & (se > 0), 2 * stats.t.sf(np.abs(stat), np.maximum(df, 1)),
                        np.nan)


def _city_contrast(design, st, g):
    """Group-minus-city differences (g, M) and their linearised standard errors."""
    diff = st.estimate[:g] - st.estimate[g]
    var = city_contrast_variance(design, st, g)
    return diff, np.sqrt(var)


def _adjust_by_measure(frame: pd.DataFrame, column: str, method: str) -> pd.Series:
    out = pd.Series(np.nan, index=frame.index)
    for _, idx in frame.groupby(["measure", "statistic"]).groups.items():
        out.loc[idx] = adjust_pvalues(frame.loc[idx, column].to_numpy(), method)
    return out


def compare_to_city(data, measures=None, categories=None, by="district", cluster="school",
                    strata=None, weights=None, lonely_psu="adjust", adjust="holm",
                    ci_method="logit", level=0.95, df_rule=None) -> pd.DataFrame:
    """Estimates by group with each group's difference from the whole city.

    Parameters
    ----------
    data : pandas.DataFrame or SurveyDesign
        As in :func:`survey_means_by`.
    measures : str or list of str, optional
        Numeric columns (means).
    categories : str, list or dict, optional
        Category columns (shares), as in :func:`survey_shares_by`.
    by, cluster, strata, weights, lonely_psu, ci_method, level, df_rule
        As in :func:`survey_means_by` / :func:`survey_shares_by`.
    adjust : {"holm", "bh", "bonferroni", "none"}
        Adjustment of the p-values across the groups of each measure.

    Returns
    -------
    pandas.DataFrame
        The estimates layout plus ``diff_city`` (group minus city),
        ``p_value`` and ``p_adjusted`` (NaN on the city row).

    Notes
    -----
    The district is part of the city, so the two means are not independent.
    The difference :math:`\\bar y_d-\\bar y` is linearised in the same design,
    with scores :math:`z_i=w_i d_i(y_i-\\bar y_d)/W_d-w_i(y_i-\\bar y)/W`, and
    its variance is the with-replacement variance of the school totals of
    :math:`z` over the whole design. This equals R
    ``svycontrast(svytotal(~y_d + n_d + y + n, design), quote(y_d/n_d - y/n))``.
    The test statistic is referred to a *t* distribution with the group's
    degrees of freedom (the design's ``df_rule``, as for the intervals).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.estimation import compare_to_city
    >>> d = pd.DataFrame({"school": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                   "district": ["n", "s", "n", "n", "s", "s", "n", "s"],
    ...                   "score": [3.0, 2.0, 4.0, 5.0, 1.0, 2.0, 4.0, 3.0]})
    >>> res = compare_to_city(d, "score")
    >>> res[["group", "diff_city"]].round(3).values.tolist()
    [['n', 1.0], ['s', -1.0], ['all', nan]]
    """
    if measures is None and categories is None:
        raise ValueError("give measures (means), categories (shares) or both")
    design = as_design(data, cluster, strata, weights, lonely_psu, df_rule)
    parts = []
    if measures is not None:
        parts.append(_means(design, measures, by, level))
    if categories is not None:
        parts.append(_shares(design, categories, by, ci_method, level))
    frames = []
    for frame, st, labels, names in parts:
        g = len(labels)
        diff, se = _city_contrast(design, st, g)
        p = _t_test(diff, se, st.df[:g, None].astype(float))
        extra = pd.DataFrame({
            "group": np.repeat(np.array(labels, dtype=object), len(names)),
            "measure": np.tile(np.array(names, dtype=object), g),
            "diff_city": diff.ravel(), "p_value": p.ravel()})
        frames.append(frame.merge(extra, on=["group", "measure"], how="left"))
    out = pd.concat(frames, ignore_index=True)
    out["p_adjusted"] = _adjust_by_measure(out, "p_value", adjust)
    return out


def compare_waves(current: pd.DataFrame, previous: pd.DataFrame, adjust: str = "holm") -> pd.DataFrame:
    """Compare estimates of two waves (independent samples).

    Parameters
    ----------
    current, previous : pandas.DataFrame
        Estimates in the layout of :func:`survey_means_by` (columns
        ``group_var, group, measure, statistic, estimate, se, df``).
    adjust : {"holm", "bh", "bonferroni", "none"}
        Adjustment across the groups of each measure (the city row is left out).

    Returns
    -------
    pandas.DataFrame
        ``group_var, group, measure, statistic, estimate, estimate_previous,
        diff, se, df, p_value, p_adjusted`` for groups present in both waves.

    Notes
    -----
    The waves are independent samples: :math:`\\mathrm{se}^2=\\mathrm{se}_1^2+\\mathrm{se}_0^2`;
    degrees of freedom by Welch-Satterthwaite,
    :math:`df=(v_1+v_0)^2/(v_1^2/df_1+v_0^2/df_0)`; two-sided *t* test.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.estimation import compare_waves
    >>> keys = {"group_var": "district", "group": ["n"], "measure": ["score"],
    ...         "statistic": "mean"}
    >>> now = pd.DataFrame({**keys, "estimate": [3.5], "se": [0.3], "df": [10.0]})
    >>> before = pd.DataFrame({**keys, "estimate": [3.1], "se": [0.4], "df": [10.0]})
    >>> res = compare_waves(now, before)
    >>> round(float(res["diff"].iloc[0]), 6), round(float(res["se"].iloc[0]), 6)
    (0.4, 0.5)
    """
    need = _KEYS + ["estimate", "se", "df"]
    for name, frame in (("current", current), ("previous", previous)):
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} estimates lack column(s) {missing}")
    m = current[need].merge(previous[need], on=_KEYS, suffixes=("", "_previous"))
    v1, v0 = m["se"] ** 2, m["se_previous"] ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        df = (v1 + v0) ** 2 / (v1 ** 2 / m["df"] + v0 ** 2 / m["df_previous"])
    out = m[_KEYS + ["estimate", "estimate_previous"]].copy()
    out["diff"] = m["estimate"] - m["estimate_previous"]
    out["se"] = np.sqrt(v1 + v0)
    out["df"] = df
    out["p_value"] = _t_test(out["diff"].to_numpy(), out["se"].to_numpy(), df.to_numpy())
    groups = out["group"] != ALL
    out["p_adjusted"] = np.nan
    out.loc[groups, "p_adjusted"] = _adjust_by_measure(out[groups], "p_value", adjust)
    return out
