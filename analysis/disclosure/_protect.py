"""From the estimates table to one linear system per measure, and back (private).

Rows are grouped by measure (and by ``separate_by``, e.g. the wave); each group
of rows becomes a :class:`~analysis.disclosure._system.MeasureSystem`, with
the nestings and unpublished groups read from the pupils, and
:func:`~analysis.disclosure._complements.complete_suppression` hides what
must be hidden. Measures declared alike are then hidden alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.disclosure._complements import complete_suppression
from analysis.disclosure._nesting import (CrossedCells, determined_values, unpublished_groups,
                                          unpublished_for, with_determined)
from analysis.disclosure._system import MeasureSystem, parse_group


def hide_complements(out: pd.DataFrame, reason: np.ndarray, fixed: np.ndarray, measures: pd.Series,
                     categories: pd.Series, separate: list[str], *, min_n: int,
                     units: pd.DataFrame | None, crossed: Sequence[str], city_label: str, sep: str,
                     alike: Sequence[Sequence[str]]) -> None:
    """Set ``reason`` (in place) to ``n<K`` and ``complementary`` where rows must be hidden."""
    n_given = pd.to_numeric(out["n"], errors="coerce").to_numpy(float)
    n = np.nan_to_num(n_given)
    est = pd.to_numeric(out["estimate"], errors="coerce").to_numpy(float)
    keys = [parse_group(gv, g, city_label, sep) for gv, g in zip(out["group_var"], out["group"])]
    unpublished = []  # groups without rows, e.g. pupils without a value of a grouping
    if units is not None:
        variables = sorted({v for key in keys for v, _ in key})
        nesting = determined_values(units, [v for v in variables if v not in crossed])
        unpublished = unpublished_groups(units, set(keys), nesting, crossed)
        keys = [with_determined(key, nesting) for key in keys]
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
        measure = frame["m"].iloc[rows[0]]
        phantoms, small = unpublished_for(unpublished, units, measure, min_n) if unpublished else ([], [])
        cells, sensitive, differences = split.cells(row_keys + phantoms, measure, min_n) \
            if split else ([], [], [])
        sensitive = small + sensitive
        if not sensitive and not differences and not (reason[rows] != "").any():
            continue  # nothing hidden, nothing to protect: every figure is published
        system = MeasureSystem(row_keys, frame["k"].to_numpy()[rows], n[rows], est[rows],
                               phantoms + cells, sensitive, differences)
        hidden = complete_suppression(system, set(np.flatnonzero(reason[rows] != "").tolist()),
                                      set(np.flatnonzero(fixed[rows]).tolist()))
        extra = [rows[i] for i in sorted(hidden) if reason[rows[i]] == ""]
        reason[extra] = "complementary"

    # a row's group across measures: its separate_by values and its group key (once, not
    # per family: built row by row, this was the slowest step for a county's tables)
    tags = list(zip(zip(*[frame[c].to_numpy() for c in separate]), keys)) if separate else \
        [((), key) for key in keys]
    for family in alike:
        members = measures.isin(list(family)).to_numpy()
        hidden_groups = {tags[i] for i in np.flatnonzero(members & (reason != ""))}
        extra = [i for i in np.flatnonzero(members & (reason == "") & ~fixed) if tags[i] in hidden_groups]
        reason[extra] = "complementary"
