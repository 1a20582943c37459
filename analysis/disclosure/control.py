"""Disclosure control: the one place that decides which figures are published.

Every output (tables, exports, CLI, dashboard) passes its estimates table
through :func:`apply_disclosure_control`. The table is read in
:mod:`._table`, each measure's figures become a linear system in
:mod:`._system`, and :mod:`._complements` / :mod:`._protect` choose the cells
hidden so that nothing hidden can be recovered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.disclosure._protect import hide_complements
from analysis.disclosure._published_counts import published_by_counts, with_count_rows
from analysis.disclosure._table import (categories_of, check_args, first_reasons, mark_and_empty,
                                        measure_names, separate_columns, values_to_empty)

__all__ = ["apply_disclosure_control"]


def apply_disclosure_control(
    estimates: pd.DataFrame,
    min_n: int = 10,
    rse_threshold: float = 0.30,
    *,
    min_category_count: int | None = None,
    city_label: str = "all",
    sep: str = ":",
    separate_by: Sequence[str] | None = None,
    value_columns: Sequence[str] | None = None,
    units: pd.DataFrame | None = None,
    crossed: Sequence[str] = (),
    locked: str | None = None,
    alike: Sequence[Sequence[str]] = (),
    published_counts: Mapping[tuple[str, str], int] | None = None,
) -> pd.DataFrame:
    """Suppress small and derivable cells of an estimates table; flag imprecise ones.

    Parameters
    ----------
    estimates : pandas.DataFrame
        One row per (group, measure[, category]) with at least ``group_var,
        group, measure, statistic, n, estimate, se``. Share rows carry their
        category in ``category`` (or, without that column, in the measure as
        ``"measure=category"``); their ``n`` is the number of pupils of the
        group with a value for the measure (the denominator). ``group ==
        city_label`` is the whole city; a cross classification has
        ``group_var="district:gender"`` and ``group="Nord:female"`` (a part
        equal to ``city_label`` is a margin, e.g. ``"Nord:all"``).
    min_n : int, default 10
        Primary suppression: every row of a group and measure with ``n <
        min_n`` (``MIN_GROUP_SIZE``). Missing ``n`` counts as 0.
    rse_threshold : float, default 0.30
        ``low_precision`` is set where ``se / |estimate| > rse_threshold`` (and
        where the estimate is 0, whose relative error is undefined).
    min_category_count : int or None
        If given, also suppress a share row whose pupil count ``round(estimate
        * n)`` is below it (shares must then be proportions in [0, 1]).
    city_label, sep : str
        Label of the whole city and separator of cross-classified groups.
    separate_by : sequence of str, optional
        Columns splitting the table into independent populations (default
        ``["wave"]`` if that column exists).
    value_columns : sequence of str, optional
        Columns emptied where suppressed (default: every numeric column that
        is not an identifier or in ``separate_by``, e.g. ``n, estimate, se,
        ci_low, ci_high, diff_city, p_value, p_adjusted``).
    units : pandas.DataFrame, optional
        The pupils (one row each, or one row per distinct combination) with
        the grouping columns and, best, the measure columns. Groups of pupils
        without a row (no district answer, a level left out) are unpublished
        parts of the totals; one of fewer than ``min_n`` pupils with a measure
        is protected like a hidden cell (without the measure's column, all its
        pupils count). Nested groupings are read from it (a variable
        whose every value occurs with one value of another: a district in one
        Sozialraum, a class in one school) and protected as a hierarchy, so
        that the tables of several groupings released together are protected
        jointly: see :func:`analysis.disclosure.protect_linked_tables`. A
        table of several populations (``separate_by``, e.g. two waves) needs
        those columns in ``units`` too: each population is protected with its
        own pupils (``ValueError`` otherwise).
    crossed : sequence of str
        Columns of ``units`` by which every group is split into unpublished
        cells (those that hold pupils; the others are known to be empty). A
        cell of fewer than ``min_n`` pupils must not be derivable either.
        Releases use it with one column per release saying which pupils it
        was computed from: see :mod:`analysis.disclosure.releases`.
    alike : sequence of sequences of str
        Measures that count the same pupils (a scale's mean and its category
        shares: their ``n`` are equal), hidden alike: a group hidden for one is
        hidden for all, or its ``n`` published with one would give it away for
        the other. (Hiding more never makes a hidden figure recoverable, and
        each group added this way is protected in the measure that hid it.)
    locked : str, optional
        Boolean column of rows whose state is final (published or hidden in
        an earlier release): never hidden now, never primary-suppressed
        again; what they alone reveal is left as it is.
    published_counts : mapping of (group_var, group) to int, optional
        Pupil counts published beside the table: a report's "443 questionnaires
        were analysed" (``(city_label, city_label)``: the whole population), a
        response table's totals. A row of such a group whose ``n`` equals its
        count (every pupil of the group has a value for the measure) is
        published by the count: it is locked (never hidden as a complementary
        cell), so that the complements are chosen where the count does not
        give them back. A group without a row (a school type's pupils, with
        its column in ``units``) enters each measure all its pupils have a
        value for as a published ``n`` (not a sum or share), and is not
        returned. A count below ``min_n`` locks nothing (it must not be
        published). Only for a table of one population.

    Returns
    -------
    pandas.DataFrame
        A copy (same index and row order) with ``suppressed`` (bool),
        ``suppression_reason`` (``""``, ``"n<10"``, ``"count<k"``,
        ``"complementary"`` or an upstream reason) and ``low_precision``
        (bool, False where suppressed); value columns are NaN where suppressed
        (``n`` becomes nullable ``Int64``).

    Notes
    -----
    **Attack model.** The attacker holds every published figure of the table
    (all groups, measures and categories of one wave) and knows how they add
    up: pupil counts ``n`` and sums ``n * mean`` of the groups of a variable add
    up to the city (or, for ``district:gender``, to the district and the
    gender totals), and category counts ``share * n`` add up to the group's
    ``n``. Weights are ignored in his favour (these relations are taken as
    exact), groups or categories missing from the table are taken as known
    zeros, and unpublished totals are unknowns he may eliminate. He wins if
    any suppressed ``n``, count or sum is a linear combination of published
    figures (adding and subtracting across any number of relations, not only
    one subtraction). For each measure this is a linear system ``A x = b``
    over the suppressed and unpublished figures ``x``; figure ``e`` is exactly
    recoverable iff every vector of the null space of ``A`` has a zero in
    ``e``. Complementary suppression adds cells until no suppressed figure is
    recoverable (checked in exact rational arithmetic): for a recoverable
    cell it first tries the hypercubes around it (the cell's level and one
    other in each dimension it adds up along, the corners all suppressed;
    Repsilber's method as in tau-ARGUS), fewest empty cells first, then
    smallest total count, ties broken by group and category name; then single
    cells of its identities, siblings before totals; it takes the first that
    makes the cell unrecoverable (deterministic).
    In a one-way table this is the classic rule "never exactly one suppressed
    cell in a row that adds up to a published total"; in a two-way table it
    is "every suppressed cell lies on a cycle of suppressed cells".

    With ``units``, the tables of several groupings are one system: nested
    groupings add "a Sozialraum is the sum of its districts", and pupils
    without a value of a grouping (or with a value that has no row) form an
    unpublished group, which must not be recoverable either when it has
    fewer than ``min_n`` pupils (the city minus its districts would be them).
    With ``crossed`` and ``locked`` the tables of earlier releases join it
    (:func:`analysis.disclosure.protect_release`).

    Not defended: bounds (counts are >= 0, so two hidden cells summing to 12
    are each <= 12; a group's largest ``n`` over the measures is a lower bound
    of its pupils, and a published count minus such bounds an upper bound of
    the rest), approximate inference from weighted estimates, standard
    errors, coincidences of the data an attacker cannot know from the tables
    (a school whose pupils all live in one district), and publications
    outside the tables given (other than ``published_counts``). Measures are
    protected independently, except those declared ``alike``; where two
    measures have nearly the same counts the deterministic choice of
    complements usually hides the same groups.
    Groups hidden here must influence nothing else that is published: the
    pipeline adjusts p-values and fits the small-area model on published
    groups only.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4-5
    (frequency and magnitude tables, secondary suppression). Wiley.
    Cox, L. H. (1980). Suppression methodology and statistical disclosure
    control. *JASA* 75(370), 377-385.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.disclosure import apply_disclosure_control
    >>> est = pd.DataFrame({
    ...     "group_var": ["all", "district", "district", "district"],
    ...     "group": ["all", "Nord", "Mitte", "Sued"],
    ...     "measure": "life_satisfaction", "statistic": "mean",
    ...     "n": [60, 7, 23, 30], "estimate": [3.9, 3.1, 4.0, 4.0],
    ...     "se": [0.1, 0.4, 0.2, 0.2]})
    >>> out = apply_disclosure_control(est)
    >>> out[["group", "n", "suppressed", "suppression_reason"]]  # doctest: +NORMALIZE_WHITESPACE
       group     n  suppressed suppression_reason
    0    all    60       False
    1   Nord  <NA>        True               n<10
    2  Mitte  <NA>        True      complementary
    3   Sued    30       False
    """
    check_args(estimates, min_n, rse_threshold, min_category_count, units, crossed, locked)
    separate = separate_columns(estimates, separate_by)
    out, added = with_count_rows(estimates, published_counts, units, measure_names(estimates),
                                 separate, min_n, city_label, sep)
    categories = categories_of(out)
    measures = measure_names(out)
    values = values_to_empty(out, separate, value_columns)
    fixed = out[locked].fillna(False).astype(bool).to_numpy() if locked else np.zeros(len(out), bool)
    reason = first_reasons(out, categories, min_category_count, fixed)
    fixed = fixed | published_by_counts(out, published_counts, reason, min_n, city_label, sep)
    hide_complements(out, reason, fixed, measures, categories, separate, min_n=min_n, units=units,
                     crossed=crossed, city_label=city_label, sep=sep, alike=alike)
    out = mark_and_empty(out, reason, values, rse_threshold)
    if added:  # the n-only rows of counted groups: the caller publishes those counts itself
        out = out.iloc[:len(estimates)].copy()
        out.index = estimates.index
    return out
