"""The survey design: pupils clustered in schools, optional strata and weights.

A :class:`SurveyDesign` holds integer codes for primary sampling units (PSUs)
and strata, the weights, and - after :func:`~analysis.estimation.post_stratify`
or :func:`~analysis.estimation.rake` - the calibration structure that the
variance needs. It mirrors R's ``svydesign(ids=~school, strata=~stratum,
weights=~w, data=d)`` with PSUs sampled with replacement (no fpc).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

LONELY_PSU_OPTIONS = ("fail", "remove", "certainty", "adjust", "average")


@dataclass(frozen=True)
class _Calibration:
    """Calibration cells as R stores them in ``design$postStrata``.

    ``margins`` holds one integer cell code per row for every margin (one
    margin for post-stratification, several for raking); ``omega`` are the
    weights used for the within-cell means of the residuals (the weights before
    post-stratification in R's ``postStratify``, ones in ``rake``); ``sweeps``
    is how often the residualisation runs over the margins (1, or 10 as in
    R's ``svyrecvar`` for raking).
    """

    margins: tuple[np.ndarray, ...]
    n_cells: tuple[int, ...]
    omega: np.ndarray
    sweeps: int


@dataclass(frozen=True)
class SurveyDesign:
    """A stratified cluster design with replacement (Taylor linearisation).

    Build it with :func:`survey_design`; the fields are read-only.
    """

    data: pd.DataFrame
    cluster: str | None
    strata: str | None
    psu: np.ndarray
    psu_stratum: np.ndarray
    psu_per_stratum: np.ndarray
    weights: np.ndarray
    lonely_psu: str = "adjust"
    adjust_domain_lonely: bool = False
    calibration: _Calibration | None = field(default=None, repr=False)

    @property
    def n_psu(self) -> int:
        """Number of PSUs (schools) in the whole sample."""
        return len(self.psu_stratum)

    @property
    def n_strata(self) -> int:
        """Number of strata (1 when the design is not stratified)."""
        return len(self.psu_per_stratum)

    @property
    def degf(self) -> int:
        """Design degrees of freedom: PSUs minus strata, as R ``degf``."""
        return self.n_psu - self.n_strata

    def with_weights(self, weights: np.ndarray, calibration: _Calibration) -> "SurveyDesign":
        """Return a copy with calibrated weights (used by the weighting functions)."""
        return replace(self, weights=np.asarray(weights, dtype=float), calibration=calibration)


def _codes(values: pd.Series, name: str) -> tuple[np.ndarray, np.ndarray]:
    if values.isna().any():
        raise ValueError(f"column {name!r} has missing values; every pupil needs a {name}")
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), np.asarray(uniques)


def survey_design(
    df: pd.DataFrame,
    cluster: str | None = "school",
    strata: str | None = None,
    weights: str | None = None,
    lonely_psu: str = "adjust",
    adjust_domain_lonely: bool = False,
) -> SurveyDesign:
    """Describe how the pupils were sampled: clusters, strata and weights.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per pupil.
    cluster : str or None
        Column with the primary sampling unit (the school). ``None`` treats
        every pupil as their own PSU (R ``ids=~1``).
    strata : str or None
        Column with the stratum of each school (e.g. the municipality).
        Schools must be nested in strata.
    weights : str or None
        Column with positive sampling weights; default 1 for every pupil.
    lonely_psu : {"adjust", "average", "certainty", "remove", "fail"}
        What a stratum with a single school contributes to the variance, as
        R's ``options(survey.lonely.psu=...)``: ``"adjust"`` centres its school
        total at the overall mean instead of the stratum mean; ``"average"``
        replaces it by the average variance of the other strata;
        ``"certainty"`` and ``"remove"`` let it contribute nothing (they only
        differ in R for multistage designs); ``"fail"`` raises ``ValueError``.
    adjust_domain_lonely : bool
        As R's ``options(survey.adjust.domain.lonely=TRUE)``: also apply the
        ``"adjust"``/``"average"`` rule when only one school of a stratum has
        pupils of a district. Default ``False`` (R's default).

    Returns
    -------
    SurveyDesign

    Notes
    -----
    The variance of a total :math:`\\hat T=\\sum_i w_i y_i` is the
    with-replacement estimator
    :math:`\\hat V=\\sum_h \\frac{n_h}{n_h-1}\\sum_{j=1}^{n_h}(t_{hj}-\\bar t_h)^2`
    with :math:`t_{hj}` the weighted total of school *j* in stratum *h*.

    References
    ----------
    Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.estimation import survey_design
    >>> d = pd.DataFrame({"school": ["a", "a", "b", "c"], "y": [1.0, 2.0, 3.0, 4.0]})
    >>> design = survey_design(d, cluster="school")
    >>> design.n_psu, design.degf
    (3, 2)
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError("df must be a pandas DataFrame with one row per pupil")
    if len(df) == 0:
        raise ValueError("df has no rows")
    if lonely_psu not in LONELY_PSU_OPTIONS:
        raise ValueError(f"lonely_psu must be one of {LONELY_PSU_OPTIONS}, got {lonely_psu!r}")
    for col in (cluster, strata, weights):
        if col is not None and col not in df.columns:
            raise ValueError(f"column {col!r} is not in the data")
    n = len(df)
    psu = np.arange(n, dtype=np.int64) if cluster is None else _codes(df[cluster], cluster)[0]
    n_psu = int(psu.max()) + 1
    if strata is None:
        psu_stratum = np.zeros(n_psu, dtype=np.int64)
    else:
        row_stratum, labels = _codes(df[strata], strata)
        pairs = np.unique(np.column_stack([psu, row_stratum]), axis=0)
        if len(pairs) != n_psu:
            bad = pd.Series(pairs[:, 0]).value_counts()
            raise ValueError(f"clusters are not nested in strata: {int((bad > 1).sum())} "
                             f"{cluster or 'PSU'} value(s) appear in more than one {strata}")
        psu_stratum = pairs[np.argsort(pairs[:, 0]), 1]
    psu_per_stratum = np.bincount(psu_stratum)
    if lonely_psu == "fail" and (psu_per_stratum == 1).any():
        lonely = np.flatnonzero(psu_per_stratum == 1)
        names = labels[lonely].tolist() if strata is not None else [0]
        raise ValueError(f"stratum {names} has only one PSU (lonely_psu='fail'); "
                         "choose lonely_psu='adjust', 'average', 'certainty' or 'remove'")
    if weights is None:
        w = np.ones(n)
    else:
        w = pd.to_numeric(df[weights], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(w)) or (w <= 0).any():
            raise ValueError(f"weights column {weights!r} must be positive and non-missing")
    return SurveyDesign(data=df, cluster=cluster, strata=strata, psu=psu,
                        psu_stratum=psu_stratum, psu_per_stratum=psu_per_stratum,
                        weights=w, lonely_psu=lonely_psu,
                        adjust_domain_lonely=bool(adjust_domain_lonely))
