"""Disclosure control: the one place that decides which figures are published.

Every output (tables, exports, CLI, dashboard) passes its estimates table
through :func:`apply_disclosure_control`; :func:`count_pupils` gives the number
of pupils with a value per group, the quantity the threshold applies to.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis._nesting import CrossedCells, determined_values, missing_levels, with_determined
from analysis._suppression import MeasureSystem, complete_suppression, parse_group

__all__ = ["apply_disclosure_control", "count_pupils"]

_ID_COLUMNS = ("group_var", "group", "measure", "statistic", "category")
_FLAG_COLUMNS = ("suppressed", "suppression_reason", "low_precision")
_REQUIRED = ("group_var", "group", "measure", "statistic", "n", "estimate", "se")


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
        the grouping columns. Nested groupings are read from it (a variable
        whose every value occurs with one value of another: a district in one
        Sozialraum, a class in one school) and protected as a hierarchy, so
        that the tables of several groupings released together are protected
        jointly: see :func:`analysis.linked_tables.protect_linked_tables`.
    crossed : sequence of str
        Columns of ``units`` by which every group is split into unpublished
        cells (those that hold pupils; the others are known to be empty). A
        cell of fewer than ``min_n`` pupils must not be derivable either.
        Releases use it with one column per release saying which pupils it
        was computed from: see :mod:`analysis.releases`.
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
    without a value of a grouping form an unpublished group. With ``crossed``
    and ``locked`` the tables of earlier releases join it
    (:func:`analysis.releases.protect_release`).

    Not defended: bounds (counts are >= 0, so two hidden cells summing to 12
    are each <= 12), approximate inference from weighted estimates, standard
    errors, coincidences of the data an attacker cannot know from the tables
    (a school whose pupils all live in one district), and publications
    outside the tables given. Measures are protected independently, except
    those declared ``alike``; where two measures have nearly the same counts
    the deterministic choice of complements usually hides the same groups.
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
    _check_args(estimates, min_n, rse_threshold, min_category_count, units, crossed, locked)
    out = estimates.copy()
    categories = _categories(out)
    measures = _measure_names(out)
    separate = _separate_by(out, separate_by)
    values = _value_columns(out, separate, value_columns)

    n_given = pd.to_numeric(out["n"], errors="coerce").to_numpy(float)
    n = np.nan_to_num(n_given)
    est = pd.to_numeric(out["estimate"], errors="coerce").to_numpy(float)
    reason = np.full(len(out), "", dtype=object)
    fixed = out[locked].fillna(False).astype(bool).to_numpy() if locked else np.zeros(len(out), bool)
    if "suppressed" in out.columns:
        upstream = out["suppressed"].fillna(False).astype(bool).to_numpy()
        prior = out.get("suppression_reason", pd.Series("", index=out.index))
        reason[upstream] = [str(r) if isinstance(r, str) and r else "input" for r in prior[upstream]]
    is_share = categories.notna().to_numpy()
    if min_category_count is not None:
        if np.any((est[is_share] < 0) | (est[is_share] > 1)):
            raise ValueError("min_category_count needs share estimates as proportions in [0, 1]")
        small = is_share & (reason == "") & ~fixed & (np.rint(np.nan_to_num(est) * n) < min_category_count)
        reason[small] = f"count<{min_category_count}"

    keys = [parse_group(gv, g, city_label, sep) for gv, g in zip(out["group_var"], out["group"])]
    phantoms = []  # unpublished groups: pupils without a value of a grouping
    if units is not None:
        variables = sorted({v for key in keys for v, _ in key})
        nesting = determined_values(units, [v for v in variables if v not in crossed])
        keys = [with_determined(key, nesting) for key in keys]
        phantoms = missing_levels(units, variables, nesting)
    split = CrossedCells(units, crossed, variables) if units is not None and crossed else None
    positions = pd.Series(np.arange(len(out)))
    frame = pd.DataFrame({"m": measures.to_numpy(), "k": categories.to_numpy()})
    for col in separate:
        frame[col] = out[col].to_numpy()
    for _, rows in positions.groupby([frame[c] for c in [*separate, "m"]], dropna=False, sort=True):
        rows = rows.to_numpy()
        # a group's n is the smallest given on its rows (rows emptied earlier do not count)
        group_n = pd.Series(n_given[rows]).groupby([keys[i] for i in rows]).transform("min")
        group_min = group_n.fillna(0).to_numpy()
        primary = rows[(group_min < min_n) & (reason[rows] == "") & ~fixed[rows]]
        reason[primary] = f"n<{min_n}"
        row_keys = [keys[i] for i in rows]
        cells, sensitive, differences = split.cells(row_keys + phantoms, frame["m"].iloc[rows[0]], min_n) \
            if split else ([], [], [])
        if not sensitive and not differences and not (reason[rows] != "").any():
            continue  # nothing hidden, nothing to protect: every figure is published
        system = MeasureSystem(row_keys, frame["k"].to_numpy()[rows], n[rows], est[rows],
                               phantoms + cells, sensitive, differences)
        hidden = complete_suppression(system, set(np.flatnonzero(reason[rows] != "").tolist()),
                                      set(np.flatnonzero(fixed[rows]).tolist()))
        extra = [rows[i] for i in sorted(hidden) if reason[rows[i]] == ""]
        reason[extra] = "complementary"

    for family in alike:
        members = measures.isin(list(family)).to_numpy()
        tags = [(tuple(frame[c].iloc[i] for c in separate), keys[i]) for i in range(len(out))]
        hidden_groups = {tags[i] for i in np.flatnonzero(members & (reason != ""))}
        extra = [i for i in np.flatnonzero(members & (reason == "") & ~fixed) if tags[i] in hidden_groups]
        reason[extra] = "complementary"

    suppressed = reason != ""
    out["suppressed"] = suppressed
    out["suppression_reason"] = reason
    out["low_precision"] = _low_precision(out, rse_threshold) & ~suppressed
    for col in values:
        out[col] = out[col].astype(float).mask(suppressed)
    if "n" in values and np.all(np.isnan(out["n"]) | (out["n"] % 1 == 0)):
        out["n"] = out["n"].astype("Int64")
    return out


def count_pupils(
    data: pd.DataFrame,
    measures: Sequence[str],
    by: str | Sequence[str | Sequence[str]] = "district",
    *,
    city_label: str = "all",
    sep: str = ":",
) -> pd.DataFrame:
    """Count the pupils with a value for each measure, per group and for the city.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per pupil (scored responses).
    measures : sequence of str
        Columns to count non-missing values of.
    by : str or sequence of (str or sequence of str)
        Grouping variables; a tuple such as ``("district", "gender")`` is a
        cross classification named ``"district:gender"``.
    city_label, sep : str
        Label of the whole city (``group_var`` and ``group`` of its rows) and
        separator of cross-classified names.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_var, group, measure, n`` (int): the city rows first,
        then each grouping in the order given, groups sorted. Pupils with a
        missing grouping value count for the city only.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.disclosure import count_pupils
    >>> pupils = pd.DataFrame({"district": ["Nord", "Nord", "Sued"],
    ...                        "optimism": [3.0, None, 4.5]})
    >>> count_pupils(pupils, ["optimism"])
      group_var group   measure  n
    0       all   all  optimism  2
    1  district  Nord  optimism  1
    2  district  Sued  optimism  1
    """
    if not isinstance(data, pd.DataFrame):
        raise ValueError("data must be a pandas DataFrame")
    specs = [by] if isinstance(by, str) else list(by)
    specs = [(s,) if isinstance(s, str) else tuple(s) for s in specs]
    measures = [measures] if isinstance(measures, str) else list(measures)
    missing = sorted({c for s in specs for c in s}.union(measures) - set(data.columns))
    if missing:
        raise ValueError(f"columns not in data: {', '.join(map(str, missing))}")
    has_value = data[measures].notna().astype(int)
    parts = [pd.DataFrame({"group_var": city_label, "group": city_label,
                           "measure": measures, "n": has_value.sum().to_numpy()})]
    for spec in specs:
        known = data[list(spec)].notna().all(axis=1)
        label = data.loc[known, list(spec)].astype(str).agg(sep.join, axis=1)
        counts = has_value[known].groupby(label).sum()
        counts = counts.sort_index().stack().rename("n").reset_index()
        counts.columns = ["group", "measure", "n"]
        counts.insert(0, "group_var", sep.join(spec))
        parts.append(counts)
    result = pd.concat(parts, ignore_index=True)
    result["n"] = result["n"].astype(int)
    return result


def _check_args(estimates, min_n, rse_threshold, min_category_count, units=None, crossed=(), locked=None):
    if not isinstance(estimates, pd.DataFrame):
        raise ValueError("estimates must be a pandas DataFrame")
    missing = [c for c in _REQUIRED if c not in estimates.columns]
    if missing:
        raise ValueError(f"estimates lack the column(s): {', '.join(missing)}")
    for name, value in (("min_n", min_n), ("min_category_count", min_category_count)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1):
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not np.isfinite(rse_threshold) or rse_threshold <= 0:
        raise ValueError(f"rse_threshold must be a positive number, got {rse_threshold!r}")
    if (pd.to_numeric(estimates["n"], errors="coerce") < 0).any():
        raise ValueError("n must not be negative")
    if crossed and units is None:
        raise ValueError("crossed needs units (the pupils with those columns)")
    if locked is not None and locked not in estimates.columns:
        raise ValueError(f"locked column {locked!r} not in estimates")


def _categories(out: pd.DataFrame) -> pd.Series:
    if "category" in out.columns:
        return out["category"].where(out["category"].notna(), None).astype(object)
    split = out["measure"].astype(str).str.partition("=")
    return split[2].where((out["statistic"] == "share") & (split[1] == "="), None).astype(object)


def _measure_names(out: pd.DataFrame) -> pd.Series:
    if "category" in out.columns:
        return out["measure"].astype(str)
    split = out["measure"].astype(str).str.partition("=")
    return split[0].where(out["statistic"] == "share", out["measure"].astype(str))


def _separate_by(out, separate_by):
    separate = (["wave"] if "wave" in out.columns else []) if separate_by is None else list(separate_by)
    missing = [c for c in separate if c not in out.columns]
    if missing:
        raise ValueError(f"separate_by column(s) not in estimates: {', '.join(missing)}")
    return separate


def _value_columns(out, separate, value_columns):
    if value_columns is None:
        skip = set(_ID_COLUMNS) | set(_FLAG_COLUMNS) | set(separate)
        return [c for c in out.columns if c not in skip
                and pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])]
    missing = [c for c in value_columns if c not in out.columns]
    if missing:
        raise ValueError(f"value_columns not in estimates: {', '.join(missing)}")
    return list(value_columns)


def _low_precision(out: pd.DataFrame, threshold: float) -> np.ndarray:
    est = pd.to_numeric(out["estimate"], errors="coerce").to_numpy(float)
    se = pd.to_numeric(out["se"], errors="coerce").to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rse = se / np.abs(est)
    return (rse > threshold) | (est == 0)
