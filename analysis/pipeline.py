"""From scored responses to the published estimates table, in one call.

:func:`analyse` estimates every scale mean and every category and index
share by group, compares each group with the whole city and applies
disclosure control, so that the command line, the dashboard and a notebook
publish the same figures. Weighting to enrolment is in
:mod:`analysis.enrolment_weights`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from analysis.designs import build_design
from analysis.disclosure import apply_disclosure_control
from analysis.estimation import adjust_pvalues, compare_to_city, compare_waves
from analysis.questionnaire.model import DONT_KNOW, Questionnaire
from analysis.scoring import CATEGORY_ORDER
from analysis.small_area import fay_herriot

__all__ = ["ESTIMATE_COLUMNS", "SMALL_AREA_COLUMNS", "add_small_area_estimates", "analyse",
           "compare_with_previous", "measures", "readjust_published"]

#: Columns of the Fay-Herriot model, shown beside (never instead of) the direct estimate.
SMALL_AREA_COLUMNS = ("sae_estimate", "sae_rmse", "sae_shrinkage")

#: The estimates columns of design section 4, in order (extra columns follow them).
ESTIMATE_COLUMNS = ("group_var", "group", "measure", "statistic", "n", "estimate", "se",
                    "ci_low", "ci_high", "suppressed", "diff_city", "p_value", "p_adjusted")


def measures(questionnaire: Questionnaire) -> tuple[list[str], dict[str, list[str]]]:
    """Scale score columns (means) and category / index columns with their levels (shares).

    Examples
    --------
    >>> from analysis.questionnaire import load
    >>> from questionnaires import SHIPPED
    >>> means, shares = measures(load(SHIPPED))
    >>> means[0], shares["wellbeing_index"]
    ('adults_home', ['thriving', 'low', 'medium'])
    """
    means = [s.id for s in questionnaire.scales]
    shares = {f"{s.id}_category": [c for c in CATEGORY_ORDER if c in s.categories.labels]
              for s in questionnaire.scales}
    shares.update({i.id: [lv.id for lv in i.levels] for i in questionnaire.indices})
    return means, shares


def analyse(data, questionnaire: Questionnaire, *, by: str | Sequence[str] = "district",
            cluster: str = "school", min_n: int = 10, adjust: str = "holm",
            small_area: bool = True, design: str | None = None,
            enrolment: pd.DataFrame | None = None, df_rule: str | None = None,
            ci_method: str = "logit", previous: Sequence = (),
            withdrawn: pd.DataFrame | None = None, refuse: bool = False) -> pd.DataFrame:
    """Published estimates of every scale and category by group, compared with the city.

    Parameters
    ----------
    data : pandas.DataFrame or analysis.estimation.SurveyDesign
        Scored responses (:func:`analysis.scoring.score`), or a design built
        on them (e.g. from :func:`analysis.designs.build_design`).
    design : {"census", "schools", "classes"} or None
        For a DataFrame: the survey design (:func:`analysis.designs.build_design`;
        ``None``: census with ``enrolment``, else schools).
    enrolment : pandas.DataFrame or None
        Enrolled pupils per school, grade and gender (column ``pupils``).
    df_rule : {"effective", "r"} or None
        Degrees of freedom of the intervals (see
        :func:`analysis.estimation.survey_design`); ``None``: the design's.
    ci_method : {"logit", "beta"}
        Interval of the shares: logit (default; it covers 94-96 % under every
        design) or Korn-Graubard (:func:`analysis.estimation.survey_shares_by`).
    questionnaire : Questionnaire
    by : str or sequence of str
        Group column (home district by default), or several (e.g.
        ``["district", "region", "school", "grade", "gender"]``): the tables of
        all of them, released together, are protected together
        (:func:`analysis.linked_tables.protect_linked_tables`), and the result
        has the rows of each grouping in turn (``group_var`` tells which).
    cluster : str
        Primary sampling unit column (schools).
    min_n : int
        Disclosure threshold (``MIN_GROUP_SIZE``).
    adjust : {"holm", "bh", "bonferroni", "none"}
        p-value adjustment across groups.
    small_area : bool
        Add the Fay-Herriot EBLUP of each group mean (:data:`SMALL_AREA_COLUMNS`:
        estimate, root MSE, shrinkage factor) beside the direct estimate.
    previous : sequence of analysis.releases.Release
        Earlier releases of this wave (their published tables and the
        ``response_id`` they counted): the new figures are protected against
        differencing with them (:func:`analysis.releases.protect_release`,
        which may raise :class:`analysis.releases.ReleaseRefused`). ``data``
        then needs a ``response_id`` column.
    withdrawn : pandas.DataFrame, optional
        Rows of pupils counted by an earlier release whose answers are gone.
    refuse : bool
        With ``previous``: raise :class:`analysis.releases.ReleaseRefused`
        rather than hide more than this computation alone would.

    Returns
    -------
    pandas.DataFrame
        :data:`ESTIMATE_COLUMNS`, then ``df``, the small-area columns,
        ``suppression_reason``, ``low_precision``, ``design`` (its name) and
        ``variance_note``. Suppressed rows have empty number columns,
        small-area ones included: a model-based figure for a group below the
        threshold is still a figure for that group. A group whose variance
        cannot be estimated (all its pupils in one school) has no ``se`` and no
        interval, ``low_precision`` true and the reason in ``variance_note``.
        Suppressed groups influence nothing that is published: ``p_adjusted``
        is adjusted across the published groups of each measure, and the
        Fay-Herriot model is fitted to the published groups only, so that
        every small-area figure is a function of published figures (no
        solving the model's equations for a hidden district).

    Examples
    --------
    >>> from analysis.questionnaire import load
    >>> from analysis.simulate import simulate_city
    >>> from analysis.scoring import score
    >>> from questionnaires import SHIPPED
    >>> q = load(SHIPPED)
    >>> scored = score(simulate_city(q, 200, districts=3, schools=6, seed=1).responses, q)
    >>> table = analyse(scored, q, min_n=30)
    >>> list(table.columns[:5]), bool(table["suppressed"].any())
    (['group_var', 'group', 'measure', 'statistic', 'n'], True)
    """
    if isinstance(data, pd.DataFrame):
        data = build_design(data, design, enrolment, cluster=cluster).design
    elif design is not None and design != data.name:
        raise ValueError(f"the data are a {data.name or 'custom'} design, not {design!r}")
    if df_rule is not None:
        data = replace(data, df_rule=df_rule)
    frame = data.data
    groupings = [by] if isinstance(by, str) else list(dict.fromkeys(by))
    if not groupings:
        raise ValueError("give at least one column to group by")
    for column in groupings:
        if column not in frame.columns:
            raise ValueError(f"cannot group by {column!r}: no such column "
                             f"(columns include {', '.join(map(str, frame.columns[:8]))}, ...)")
    if cluster not in frame.columns:
        raise ValueError(f"cluster column {cluster!r} is not in the responses")
    means, shares = measures(questionnaire)
    missing = [c for c in [*means, *shares] if c not in frame.columns]
    if missing:
        raise ValueError(f"the responses are not scored (no column {missing[0]!r}); "
                         "run analysis.scoring.score first")
    estimates = pd.concat([compare_to_city(data, measures=means, categories=shares, by=column,
                                           adjust=adjust, ci_method=ci_method)
                           for column in groupings], ignore_index=True)
    # Disclosure control first, over every grouping at once (linked tables); groups
    # it hides must not influence any published figure, so the p-value family and
    # the small-area model use published groups only.
    alike = [(s.id, f"{s.id}_category") for s in questionnaire.scales]  # the same pupils' n
    if previous:
        from analysis.releases import protect_release

        published = protect_release(estimates, frame, previous, min_n=min_n, withdrawn=withdrawn,
                                    refuse=refuse, alike=alike)
    else:
        published = apply_disclosure_control(estimates, min_n=min_n, units=frame[groupings], alike=alike)
    published = readjust_published(published, adjust)
    if small_area:
        for column in groupings:
            published = add_small_area_estimates(published, column)
    published = _name_design(published, data)
    first = [c for c in ESTIMATE_COLUMNS if c in published.columns]
    return published[first + [c for c in published.columns if c not in first]]


def _name_design(table: pd.DataFrame, design) -> pd.DataFrame:
    """The design's name on every row, and why a shown estimate has no standard error."""
    out = table.copy()
    out["design"] = design.name or "custom"
    unit = {"classes": "class"}.get(design.name, design.cluster)
    note = ("one pupil" if unit is None else f"all pupils of the group in one {unit}")
    no_variance = ~out["suppressed"].astype(bool) & out["estimate"].notna() & out["se"].isna()
    out["variance_note"] = np.where(no_variance, note + ": variance cannot be estimated", "")
    out["low_precision"] = out["low_precision"].astype(bool) | no_variance
    return out


def add_small_area_estimates(estimates: pd.DataFrame, by: str = "district",
                             min_areas: int = 3) -> pd.DataFrame:
    """Append Fay-Herriot EBLUPs of the group means (intercept-only model).

    Only the ``by`` groups' means take part; the city row and "don't know"
    are not areas, and neither is a row marked ``suppressed``: call this on
    the disclosure-controlled table, so that the fit (random-effect variance,
    shrinkage, MSE) depends on published figures alone. A group whose direct
    estimate has no usable standard error (one school: df 0, or se 0) is left out of the fit and keeps empty
    small-area columns; with fewer than ``min_areas`` usable groups a measure
    gets none. Shares are not modelled (a linear model can leave [0, 1]).

    Examples
    --------
    >>> table = pd.DataFrame({"group_var": "district", "group": list("abcd") + ["all"],
    ...     "measure": "x", "statistic": "mean", "estimate": [3.0, 3.4, 2.8, 3.9, 3.3],
    ...     "se": [0.1, 0.3, 0.2, 0.5, 0.05]})
    >>> out = add_small_area_estimates(table)
    >>> bool(out["sae_estimate"].iloc[:4].notna().all()), bool(out["sae_estimate"].iloc[4] > 0)
    (True, False)
    """
    out = estimates.copy()
    for column in SMALL_AREA_COLUMNS:
        if column not in out.columns:
            out[column] = np.nan
    areas = ((out["group_var"] == by) & (out["statistic"] == "mean")
             & out["group"].notna() & ~out["group"].isin(["all", DONT_KNOW]))
    if "suppressed" in out.columns:
        areas &= ~out["suppressed"].fillna(True).astype(bool)
    se = pd.to_numeric(out["se"], errors="coerce")
    usable = areas & np.isfinite(se) & (se > 0) & out["estimate"].notna()
    for _, part in out[usable].groupby("measure"):
        if len(part) < min_areas:
            continue
        table = fay_herriot(part, estimate="estimate", se="se", area="group").table
        table = table.set_index("area").loc[part["group"]]
        out.loc[part.index, "sae_estimate"] = table["eblup"].to_numpy()
        out.loc[part.index, "sae_rmse"] = table["rmse"].to_numpy()
        out.loc[part.index, "sae_shrinkage"] = table["gamma"].to_numpy()
    return out


def readjust_published(published: pd.DataFrame, adjust: str = "holm") -> pd.DataFrame:
    """Adjust ``p_value`` anew across the published groups of each measure.

    The family of a measure's tests is the groups whose comparison is
    published: a hidden group's p-value must not shift the adjusted p-values
    of the others (their ranks would tell about it).

    Examples
    --------
    >>> t = pd.DataFrame({"group_var": "district", "group": ["a", "b", "c"], "measure": "x",
    ...     "statistic": "mean", "p_value": [0.01, 0.02, float("nan")],
    ...     "p_adjusted": [0.03, 0.04, float("nan")], "suppressed": [False, False, True]})
    >>> readjust_published(t)["p_adjusted"].tolist()
    [0.02, 0.02, nan]
    """
    out = published.copy()
    if "p_value" not in out.columns:
        return out
    shown = ~out["suppressed"].fillna(True).astype(bool) if "suppressed" in out.columns \
        else pd.Series(True, index=out.index)
    out["p_adjusted"] = np.nan
    for _, rows in out[shown].groupby(["group_var", "measure", "statistic"]).groups.items():
        out.loc[rows, "p_adjusted"] = adjust_pvalues(out.loc[rows, "p_value"].to_numpy(float), adjust)
    return out


def compare_with_previous(table: pd.DataFrame, previous: pd.DataFrame,
                          adjust: str = "holm") -> pd.DataFrame:
    """Add the change since the previous wave: ``diff_previous, p_value_previous,
    p_adjusted_previous``.

    ``previous`` is the published table of the earlier wave (as written by
    :func:`analyse`); rows suppressed in either wave get no comparison, so
    nothing hidden is revealed by a difference. The waves are independent
    samples (:func:`analysis.estimation.compare_waves`); p-values are adjusted
    across the groups of each measure. Different waves are different answers,
    so a difference covers the pupils of both; an earlier computation of the
    same wave is refused (its differences could isolate a few late or
    withdrawn pupils: see :func:`analysis.releases.protect_release`).

    Examples
    --------
    >>> keys = {"group_var": "district", "group": ["a", "b"], "measure": "x",
    ...         "statistic": "mean", "df": 12.0}
    >>> now = pd.DataFrame({**keys, "estimate": [3.5, 3.0], "se": [0.3, 0.2]})
    >>> before = pd.DataFrame({**keys, "estimate": [3.1, None], "se": [0.4, None]})
    >>> compare_with_previous(now, before)["diff_previous"].round(6).tolist()
    [0.4, nan]
    """
    from analysis.releases import same_pupils

    repeated = same_pupils(table, previous)
    if repeated:
        raise ValueError(f"the previous estimates are another computation of this wave, not a previous "
                         f"wave ({len(repeated)} groups, e.g. {repeated[0][1]!r}, have identical figures): "
                         "compare releases of one wave with analyse(previous=...) instead")
    keys = ["group_var", "group", "measure", "statistic"]
    previous = previous.copy()
    for column in keys:
        previous[column] = previous[column].astype(str)
    current = table.copy()
    for column in keys:
        current[column] = current[column].astype(str)
    usable = lambda t: t[t["estimate"].notna() & t["se"].notna()]  # noqa: E731
    changes = compare_waves(usable(current), usable(previous), adjust=adjust)
    changes = changes[keys + ["diff", "p_value", "p_adjusted"]].rename(columns={
        "diff": "diff_previous", "p_value": "p_value_previous",
        "p_adjusted": "p_adjusted_previous"})
    merged = current.merge(changes, on=keys, how="left")
    city = merged["group"] == "all"  # a family of one test: nothing to adjust
    merged.loc[city, "p_adjusted_previous"] = merged.loc[city, "p_value_previous"]
    merged.index = table.index
    for column in keys:
        merged[column] = table[column]
    return merged
