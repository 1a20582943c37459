"""The survey design: pupils clustered in schools, optional strata, weights and fpc.

A :class:`SurveyDesign` holds integer codes for primary sampling units (PSUs)
and strata, the weights, the population size of each stratum when a finite
population correction is used, and - after
:func:`~analysis.estimation.post_stratify` or :func:`~analysis.estimation.rake` -
the calibration structure that the variance needs. It mirrors R's
``svydesign(ids=~school, strata=~stratum, weights=~w, fpc=~N, data=d)``: without
``fpc`` the PSUs count as sampled with replacement.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

LONELY_PSU_OPTIONS = ("fail", "remove", "certainty", "adjust", "average")
#: Degrees-of-freedom rules for intervals and tests (see :func:`survey_design`).
DF_RULES = ("effective", "r")


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
    #: PSUs in the population of each stratum (``None``: with replacement, no fpc)
    population: np.ndarray | None = field(default=None, repr=False)
    df_rule: str = "effective"
    #: the design's name in published tables ("census", "schools", "classes"; "" unnamed)
    name: str = ""

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
    fpc: str | None = None,
    df_rule: str = "effective",
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
    fpc : str or None
        Column with the number of PSUs in the population of the pupil's
        stratum (with ``cluster=None``: the pupils enrolled in the stratum), as
        R's ``fpc=~N``. It must be the same for every pupil of a stratum and at
        least the number of sampled PSUs. Without ``weights`` the weights are
        then :math:`N_h/n_h`, as in R.
    df_rule : {"effective", "r"}
        Degrees of freedom of a group's intervals and tests. ``"effective"``
        (default): Kish's effective number of PSUs of the group minus one,
        :math:`(\\sum_j W_{dj})^2/\\sum_j W_{dj}^2 - 1` with :math:`W_{dj}` the
        weight of the group's pupils in PSU *j*, at most the design's degrees
        of freedom. ``"r"``: R's ``degf(subset(design, group == g))``, the PSUs
        with pupils of the group minus their strata. Where a group's pupils sit
        in a few schools of many, R's count overstates what the variance
        estimate rests on and its intervals cover too rarely; the effective
        count covers (``bench/coverage.py``, ``docs/analysis.md``).

    Returns
    -------
    SurveyDesign

    Notes
    -----
    The variance of a total :math:`\\hat T=\\sum_i w_i y_i` is the
    with-replacement estimator
    :math:`\\hat V=\\sum_h \\frac{n_h}{n_h-1}\\sum_{j=1}^{n_h}(t_{hj}-\\bar t_h)^2`
    with :math:`t_{hj}` the weighted total of school *j* in stratum *h*; with
    ``fpc`` each stratum's term is multiplied by :math:`1-n_h/N_h`, so a stratum
    where every PSU was observed adds nothing.

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
        raise ValueError("the data have no rows: no pupils to estimate from")
    if df_rule not in DF_RULES:
        raise ValueError(f"df_rule must be one of {DF_RULES}, got {df_rule!r}")
    if lonely_psu not in LONELY_PSU_OPTIONS:
        raise ValueError(f"lonely_psu must be one of {LONELY_PSU_OPTIONS}, got {lonely_psu!r}")
    for col in (cluster, strata, weights, fpc):
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
    population = None
    if fpc is not None:
        row_stratum = psu_stratum[psu]
        population = _population(df[fpc], row_stratum, psu_per_stratum, fpc)
    if weights is None:
        w = np.ones(n) if population is None else (population / psu_per_stratum)[psu_stratum[psu]]
    else:
        w = pd.to_numeric(df[weights], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(w)) or (w <= 0).any():
            raise ValueError(f"weights column {weights!r} must be positive and non-missing")
    return SurveyDesign(data=df, cluster=cluster, strata=strata, psu=psu,
                        psu_stratum=psu_stratum, psu_per_stratum=psu_per_stratum,
                        weights=w, lonely_psu=lonely_psu,
                        adjust_domain_lonely=bool(adjust_domain_lonely), population=population,
                        df_rule=df_rule)


def _population(values: pd.Series, row_stratum: np.ndarray, sampled: np.ndarray,
                name: str) -> np.ndarray:
    """Population PSUs per stratum from a per-row fpc column (checked)."""
    size = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(size)):
        raise ValueError(f"fpc column {name!r} must hold a population size for every pupil")
    first = np.full(len(sampled), np.nan)
    first[row_stratum[::-1]] = size[::-1]        # the first value of each stratum
    if not np.allclose(size, first[row_stratum], rtol=0, atol=1e-9):
        raise ValueError(f"fpc column {name!r} differs within a stratum; give one population "
                         "size per stratum")
    short = first < sampled - 1e-9
    if short.any():
        h = int(np.flatnonzero(short)[0])
        raise ValueError(f"fpc column {name!r}: a stratum has {int(sampled[h])} sampled units "
                         f"but a population of {first[h]:g}; the population cannot be smaller")
    return first
