"""Pupil counts published beside the tables (private to :mod:`analysis.disclosure`).

A report says how many questionnaires were analysed, and its response table how
many pupils of each school type answered. For a measure every pupil of such a
group has a value for, the count is the group's ``n`` of that measure: a figure
the attacker holds. :func:`with_count_rows` adds it to the table as an
``n``-only row where the table has no row of that group (a school type's
pupils), and :func:`published_by_counts` locks every row such a count gives
away, so that complementary cells are chosen where no count gives them back.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.disclosure._nesting import _label
from analysis.disclosure._system import parse_group

#: The statistic of a row that publishes a group's pupil count only.
COUNT = "count"


def known_counts(counts: Mapping | None, city_label: str,
                 sep: str) -> dict[frozenset, tuple[tuple[str, str], int]]:
    """``{group key: ((group_var, group), count)}``, checked."""
    if not counts:
        return {}
    if not isinstance(counts, Mapping):
        raise ValueError("published_counts must map (group_var, group) to a pupil count")
    known = {}
    for label, count in counts.items():
        if not (isinstance(label, tuple) and len(label) == 2):
            raise ValueError(f"published_counts: {label!r} is not a (group_var, group) pair")
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
            raise ValueError(f"published_counts: the count of {label!r} must be a whole number "
                             f">= 0, got {count!r}")
        known[parse_group(label[0], label[1], city_label, sep)] = (tuple(map(str, label)), int(count))
    return known


def with_count_rows(estimates: pd.DataFrame, counts: Mapping | None, units: pd.DataFrame | None,
                    measures: pd.Series, separate: list[str], min_n: int, city_label: str,
                    sep: str) -> tuple[pd.DataFrame, int]:
    """``estimates`` with an ``n``-only row per measure for each counted group without rows.

    A row is added for a measure only where every pupil of the group has a value
    for it (``units``); returns the table and the number of rows added (at its end).
    """
    known = known_counts(counts, city_label, sep)
    if not known:
        return estimates.copy(), 0
    if separate and len(estimates[separate].drop_duplicates()) > 1:
        raise ValueError("published_counts needs a table of one population (separate_by splits it)")
    present = {parse_group(gv, g, city_label, sep)
               for gv, g in zip(estimates["group_var"], estimates["group"])}
    missing = {key: value for key, value in known.items() if key not in present}
    if not missing or not len(estimates):
        return estimates.copy(), 0
    if units is None:
        raise ValueError("published_counts of groups without a row need units (the pupils)")
    first = estimates.iloc[0]
    rows = []
    for key, ((group_var, group), count) in sorted(missing.items(), key=lambda kv: kv[1][0]):
        lacking = [v for v, _ in key if v not in units.columns]
        if lacking:
            raise ValueError(f"published_counts: units lack the column {lacking[0]!r} of the "
                             f"group {group!r}, which has no row in the table")
        members = np.ones(len(units), bool)
        for variable, value in key:
            members &= units[variable].map(_label).to_numpy(object) == value
        if count < min_n or members.sum() != count:
            continue  # not the group's pupils (or too few to be published): nothing is given away
        for measure in dict.fromkeys(measures):
            if measure in units.columns and units.loc[members, measure].isna().any():
                continue
            rows.append({**{c: first[c] for c in separate}, "group_var": group_var, "group": group,
                         "measure": measure, "statistic": COUNT, "n": count})
    if not rows:
        return estimates.copy(), 0
    added = pd.DataFrame(rows)
    table = pd.concat([estimates.reset_index(drop=True), added], ignore_index=True)
    return table, len(added)


def published_by_counts(out: pd.DataFrame, counts: Mapping | None, reason: np.ndarray, min_n: int,
                        city_label: str, sep: str) -> np.ndarray:
    """Rows whose ``n`` a count published beside the table gives away (to be locked).

    A group of ``c`` pupils whose row of a measure has ``n == c`` counts every one
    of them: the published count is that row's ``n``, so hiding the row as a
    complementary cell would protect nothing.
    """
    known = known_counts(counts, city_label, sep)
    if not known:
        return np.zeros(len(out), bool)
    n = pd.to_numeric(out["n"], errors="coerce").to_numpy(float)
    keys = [parse_group(gv, g, city_label, sep) for gv, g in zip(out["group_var"], out["group"])]
    return np.array([key in known and n[i] == known[key][1] >= min_n and reason[i] == ""
                     for i, key in enumerate(keys)], bool)
