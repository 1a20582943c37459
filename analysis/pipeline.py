"""From scored responses to the published estimates table, in one call.

:func:`analyse` estimates every scale mean and every category and index
share by group, compares each group with the whole city and applies
disclosure control, so that the command line, the dashboard and a notebook
publish the same figures. Weighting to enrolment is in
:mod:`analysis.enrolment_weights`; what is computed from the published table
afterwards (p-value adjustment, small-area model) in :mod:`analysis.published`,
the comparison with an earlier wave in :mod:`analysis.waves`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from analysis.designs import build_design
from analysis.disclosure import apply_disclosure_control, protect_release
from analysis.estimation import compare_to_city
from analysis.published import (add_small_area_estimates, readjust_published,
                                withhold_comparisons)
from analysis.questionnaire.model import Questionnaire
from analysis.scoring import CATEGORY_ORDER

__all__ = ["ESTIMATE_COLUMNS", "analyse", "measures"]

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
        (:func:`analysis.disclosure.protect_linked_tables`), and the result
        has the rows of each grouping in turn (``group_var`` tells which).
    cluster : str
        Primary sampling unit column (schools).
    min_n : int
        Disclosure threshold (``MIN_GROUP_SIZE``).
    adjust : {"holm", "bh", "bonferroni", "none"}
        p-value adjustment across groups.
    small_area : bool
        Add the Fay-Herriot EBLUP of each group mean
        (:data:`analysis.published.SMALL_AREA_COLUMNS`: estimate, root MSE,
        shrinkage factor) beside the direct estimate.
    previous : sequence of analysis.disclosure.Release
        Earlier releases of this wave (their published tables and the
        ``response_id`` they counted): the new figures are protected against
        differencing with them (:func:`analysis.disclosure.protect_release`,
        which may raise :class:`analysis.disclosure.ReleaseRefused`). ``data``
        then needs a ``response_id`` column.
    withdrawn : pandas.DataFrame, optional
        Rows of pupils counted by an earlier release whose answers are gone.
    refuse : bool
        With ``previous``: raise :class:`analysis.disclosure.ReleaseRefused`
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
    >>> from analysis.simulation import simulate_city
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
        published = protect_release(estimates, frame, previous, min_n=min_n, withdrawn=withdrawn,
                                    refuse=refuse, alike=alike)
    else:
        # the measures too: a group without a row is protected by its pupils with each measure
        columns = list(dict.fromkeys([*groupings, *means, *shares]))
        published = apply_disclosure_control(estimates, min_n=min_n, units=frame[columns], alike=alike)
    published = readjust_published(withhold_comparisons(published), adjust)
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
