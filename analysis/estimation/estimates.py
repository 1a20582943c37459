"""Design-based means and shares by district (or any group) and for the city."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._frames import as_design, run, t_interval, tidy
from ._intervals import share_intervals


def _numeric_block(df: pd.DataFrame, measures) -> tuple[np.ndarray, list[str]]:
    names = [measures] if isinstance(measures, str) else list(measures)
    if not names:
        raise ValueError("give at least one measure column")
    missing = [c for c in names if c not in df.columns]
    if missing:
        raise ValueError(f"measure column(s) not in the data: {missing}")
    series = [df[c] for c in names]      # one column lookup each (pandas access is slow)
    bad = [c for c, col in zip(names, series) if not pd.api.types.is_numeric_dtype(col)]
    if bad:
        raise ValueError(f"measure column(s) are not numeric: {bad}; use survey_shares_by "
                         "for categories")
    # infinite values are rejected by the summation (``_sums.domain_sums``), which
    # sees every value anyway
    return [col.to_numpy(dtype=float, na_value=np.nan) for col in series], names


def survey_means_by(data, measures, by="district", cluster="school", strata=None,
                    weights=None, lonely_psu="adjust", level=0.95, df_rule=None) -> pd.DataFrame:
    """Design-based means of numeric measures by group and for the whole sample.

    Parameters
    ----------
    data : pandas.DataFrame or SurveyDesign
        Pupils, one a row, or a design from :func:`survey_design`,
        :func:`post_stratify` or :func:`rake` (then ``cluster``, ``strata``,
        ``weights`` and ``lonely_psu`` are taken from the design).
    measures : str or list of str
        Numeric columns (scale scores); missing values are left out per measure.
    by : str or None
        Group column (the district by default). ``None``: whole sample only.
    cluster, strata, weights, lonely_psu
        See :func:`survey_design`.
    level : float
        Confidence level of the intervals.
    df_rule : {"effective", "r"} or None
        Degrees of freedom of the intervals (see :func:`survey_design`);
        ``None``: the design's rule (``"effective"`` unless chosen there).

    Returns
    -------
    pandas.DataFrame
        Columns ``group_var, group, measure, statistic ("mean"), n, estimate,
        se, df, ci_low, ci_high``; one row per group and measure with at least
        one value, plus ``group == "all"`` for the whole sample. Where the
        group's values lie in a single PSU (a district served by one school)
        its variance cannot be estimated: ``se``, ``ci_low`` and ``ci_high``
        are NaN, never an SE of 0.

    Notes
    -----
    A group *d* is a domain of the whole design. With
    :math:`W_d=\\sum_i w_i d_i`, the mean is :math:`\\bar y_d=\\sum_i w_i d_i y_i/W_d`
    and its linearised scores are :math:`z_i=w_i d_i (y_i-\\bar y_d)/W_d`, zero
    outside the domain; the variance is the with-replacement estimator of
    :func:`survey_design` on the school totals of :math:`z`, so schools without
    pupils of the district still count in their stratum. The degrees of
    freedom follow the design's ``df_rule``: with ``"r"`` the schools with
    pupils of the group minus their strata (R ``degf(subset(design, district
    == g))``), with ``"effective"`` Kish's effective number of schools of the
    group minus one. The interval is
    :math:`\\bar y_d \\pm t_{df,0.975}\\,\\mathrm{se}` (NaN when df < 1). With
    ``df_rule="r"`` this reproduces R ``svyby(~y, ~district, design, svymean,
    na.rm=TRUE)``.

    References
    ----------
    Lumley, T. (2010). *Complex Surveys*, ch. 2-3. Wiley.
    Särndal, C.-E., Swensson, B., Wretman, J. (1992). *Model Assisted Survey
    Sampling*, sec. 10.3 (domains). Springer.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.estimation import survey_means_by
    >>> d = pd.DataFrame({"school": [1, 1, 2, 2, 3, 3],
    ...                   "district": ["n", "s", "n", "n", "s", "s"],
    ...                   "score": [3.0, 2.0, 4.0, 5.0, 1.0, 2.0]})
    >>> res = survey_means_by(d, "score")
    >>> res[["group", "n", "estimate"]].to_string(index=False)
    'group  n  estimate\\n    n  3  4.000000\\n    s  3  1.666667\\n  all  6  2.833333'
    """
    design = as_design(data, cluster, strata, weights, lonely_psu, df_rule)
    return _means(design, measures, by, level)[0]


def _means(design, measures, by, level):
    y, names = _numeric_block(design.data, measures)
    st, labels = run(design, y, by)
    se = np.sqrt(st.variance)
    low, high = t_interval(st.estimate, se, st.df[:, None], level)
    return tidy(st, labels, by, names, "mean", low, high), st, labels, names


def _indicators(df: pd.DataFrame, categories) -> tuple[np.ndarray, list[str]]:
    if isinstance(categories, str):
        categories = [categories]
    if not isinstance(categories, dict):
        categories = {c: None for c in categories}
    cols, names = [], []
    for col, levels in categories.items():
        if col not in df.columns:
            raise ValueError(f"category column {col!r} is not in the data")
        # factorise once and compare the few distinct values, not every row, per level
        codes, uniques = pd.factorize(df[col])
        if levels is None:
            levels = sorted(pd.Series(uniques).tolist(), key=str)
        elif isinstance(levels, str):
            levels = [levels]
        for level in levels:
            hit = np.asarray(pd.Series(uniques) == level, dtype=float)
            cols.append(np.append(hit, np.nan)[codes])   # code -1 (missing) -> NaN
            names.append(f"{col}={level}")
    if not cols:
        raise ValueError("no category levels to estimate shares of")
    return cols, names


def survey_shares_by(data, categories, by="district", cluster="school", strata=None,
                     weights=None, lonely_psu="adjust", ci_method="logit",
                     level=0.95, df_rule=None) -> pd.DataFrame:
    """Design-based shares of categories by group and for the whole sample.

    Parameters
    ----------
    data : pandas.DataFrame or SurveyDesign
        As in :func:`survey_means_by`.
    categories : str, list of str, or dict
        Category columns (shares of every level present), or
        ``{column: [levels]}``. Measures are named ``"column=level"``.
    by, cluster, strata, weights, lonely_psu, level
        As in :func:`survey_means_by`.
    ci_method : {"logit", "beta"}
        ``"logit"`` (default): Wald interval on the logit scale (R
        ``svyciprop(method="logit")``), the published one: it covers 94-96 %
        under every design (``bench/coverage.py``); ``"beta"``: Korn-Graubard
        (R ``svyciprop(method="beta")``), slightly conservative (96 %).
        Shares of exactly 0 or 1 get the Clopper-Pearson interval with either
        (the logit of 0 or 1 is not defined).

    Returns
    -------
    pandas.DataFrame
        As :func:`survey_means_by`, with ``statistic == "share"``.

    Notes
    -----
    The share is the design-based mean of the indicator
    :math:`I(x_i = \\text{level})` (missing category = outside the domain),
    with the linearised standard error of :func:`survey_means_by`.
    Logit: :math:`\\operatorname{logit}^{-1}(\\operatorname{logit}\\hat p \\pm
    t_{df,1-\\alpha/2}\\,\\widehat{SE}/(\\hat p(1-\\hat p)))`, the delta-method
    standard error on the logit scale.
    Korn-Graubard: with effective size
    :math:`n^* = \\hat p(1-\\hat p)/\\hat V \\cdot (t_{n-1,\\alpha/2}/t_{df,\\alpha/2})^2`,
    the interval is
    :math:`[B^{-1}(\\alpha/2;\\, n^*\\hat p,\\, n^*(1-\\hat p)+1),\\;
    B^{-1}(1-\\alpha/2;\\, n^*\\hat p+1,\\, n^*(1-\\hat p))]`, where *n* is the
    number of rows of the group's subset design, as R counts them. When the
    share is exactly 0 or 1 the variance is 0 and R returns NaN (beta) or an
    interval of a diverging fit (logit); here, with either method,
    :math:`n^*` falls back to the number of pupils with a value, which gives
    the Clopper-Pearson interval ``[0, 1-(alpha/2)^(1/n*)]``. Standard errors
    below :data:`analysis.estimation._intervals.SE_TOLERANCE` (rounding noise of an exact 0) count as 0.

    References
    ----------
    Korn, E. L., Graubard, B. I. (1998). Confidence intervals for proportions
    with small expected number of positive counts estimated from survey data.
    *Survey Methodology* 24, 193-201.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.estimation import survey_shares_by
    >>> d = pd.DataFrame({"school": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                   "index": ["thriving", "low", "thriving", "thriving",
    ...                             "low", "medium", "thriving", "low"]})
    >>> res = survey_shares_by(d, {"index": ["thriving"]}, by=None)
    >>> float(res["estimate"].iloc[0])
    0.5
    """
    design = as_design(data, cluster, strata, weights, lonely_psu, df_rule)
    return _shares(design, categories, by, ci_method, level)[0]


def _shares(design, categories, by, ci_method, level):
    y, names = _indicators(design.data, categories)
    st, labels = run(design, y, by)
    st, low, high = share_intervals(st, ci_method, level)
    return tidy(st, labels, by, names, "share", low, high), st, labels, names
