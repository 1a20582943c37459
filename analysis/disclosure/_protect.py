"""From the estimates table to one linear system per measure, and back (private).

Rows are grouped by ``separate_by`` (e.g. the wave: each is a population of
its own, with its own pupils) and by measure; each group of rows becomes a
:class:`~analysis.disclosure._system.MeasureSystem`, with the nestings and
unpublished groups read from that population's pupils, and
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


class _Population:
    """The pupils of one ``separate_by`` group and what is read from them once.

    A wave's pupils who named no district are a group of that wave: counted
    over all waves of a table, four of them in one wave could hide behind a
    dozen in another.
    """

    def __init__(self, units: pd.DataFrame, keys: list[frozenset], crossed: Sequence[str]) -> None:
        variables = sorted({v for key in keys for v, _ in key})
        self.units = units
        self.nesting = determined_values(units, [v for v in variables if v not in crossed])
        self.unpublished = unpublished_groups(units, set(keys), self.nesting, crossed)
        self.split = CrossedCells(units, crossed, variables) if crossed else None
        self._for_measure: dict[str, tuple[list, list]] = {}

    def unpublished_for(self, measure: str, min_n: int) -> tuple[list[frozenset], list[frozenset]]:
        """:func:`unpublished_for` of this population, once per measure."""
        if measure not in self._for_measure:
            self._for_measure[measure] = unpublished_for(self.unpublished, self.units, measure, min_n) \
                if self.unpublished else ([], [])
        return self._for_measure[measure]


def _pupils_of(units: pd.DataFrame, first_row: pd.Series, separate: list[str], several: bool) -> pd.DataFrame:
    """The rows of ``units`` in the population of ``first_row`` (its ``separate`` values)."""
    if not separate:
        return units
    lacking = [c for c in separate if c not in units.columns]
    if lacking:
        if several:
            raise ValueError(f"units lack the column(s) {', '.join(lacking)} that separate the "
                             "table's populations (separate_by): the pupils of each must be told apart")
        return units
    mask = np.ones(len(units), bool)
    for column in separate:
        value = first_row[column]
        mask &= (units[column].isna() if pd.isna(value) else units[column] == value).to_numpy()
    if not mask.any():
        where = ", ".join(f"{c}={first_row[c]!r}" for c in separate)
        raise ValueError(f"units hold no pupils of {where}, a population of the table")
    return units[mask]


def hide_complements(out: pd.DataFrame, reason: np.ndarray, fixed: np.ndarray, measures: pd.Series,
                     categories: pd.Series, separate: list[str], *, min_n: int,
                     units: pd.DataFrame | None, crossed: Sequence[str], city_label: str, sep: str,
                     alike: Sequence[Sequence[str]]) -> None:
    """Set ``reason`` (in place) to ``n<K`` and ``complementary`` where rows must be hidden."""
    n_given = pd.to_numeric(out["n"], errors="coerce").to_numpy(float)
    n = np.nan_to_num(n_given)
    est = pd.to_numeric(out["estimate"], errors="coerce").to_numpy(float)
    keys = [parse_group(gv, g, city_label, sep) for gv, g in zip(out["group_var"], out["group"])]
    positions = pd.Series(np.arange(len(out)))
    frame = pd.DataFrame({"m": measures.to_numpy(), "k": categories.to_numpy(),
                          "n_only": (out["statistic"].astype(str) == "count").to_numpy()})
    for col in separate:
        frame[col] = out[col].to_numpy()
    populations = [rows.to_numpy() for _, rows in
                   positions.groupby([frame[c] for c in separate], dropna=False, sort=True)] \
        if separate else [positions.to_numpy()]
    for in_population in populations:
        population = None
        if units is not None:
            pupils = _pupils_of(units, out.iloc[in_population[0]], separate, len(populations) > 1)
            population = _Population(pupils, [keys[i] for i in in_population], crossed)
            for i in in_population:
                keys[i] = with_determined(keys[i], population.nesting)
        measure_of = frame["m"].iloc[in_population]
        for _, rows in positions.iloc[in_population].groupby(measure_of, dropna=False, sort=True):
            _hide_in_measure(rows.to_numpy(), keys, frame, n, n_given, est, reason, fixed,
                             population, min_n)

    # a row's group across measures: its separate_by values and its group key (once, not
    # per family: built row by row, this was the slowest step for a county's tables)
    tags = list(zip(zip(*[frame[c].to_numpy() for c in separate]), keys)) if separate else \
        [((), key) for key in keys]
    for family in alike:
        members = measures.isin(list(family)).to_numpy()
        hidden_groups = {tags[i] for i in np.flatnonzero(members & (reason != ""))}
        extra = [i for i in np.flatnonzero(members & (reason == "") & ~fixed) if tags[i] in hidden_groups]
        reason[extra] = "complementary"


def _hide_in_measure(rows, keys, frame, n, n_given, est, reason, fixed, population, min_n) -> None:
    """Primary suppression of one measure's ``rows``, then what must be hidden with them."""
    # a group's n is the smallest given on its rows (rows emptied earlier do not count)
    group_n = pd.Series(n_given[rows]).groupby([keys[i] for i in rows]).transform("min")
    group_min = group_n.fillna(0).to_numpy()
    primary = rows[(group_min < min_n) & (reason[rows] == "") & ~fixed[rows]]
    reason[primary] = f"n<{min_n}"
    row_keys = [keys[i] for i in rows]
    measure = frame["m"].iloc[rows[0]]
    phantoms, small = population.unpublished_for(measure, min_n) if population else ([], [])
    cells, sensitive, differences = population.split.cells(row_keys + phantoms, measure, min_n) \
        if population and population.split else ([], [], [])
    sensitive = small + sensitive
    if not sensitive and not differences and not (reason[rows] != "").any():
        return  # nothing hidden, nothing to protect: every figure is published
    system = MeasureSystem(row_keys, frame["k"].to_numpy()[rows], n[rows], est[rows],
                           phantoms + cells, sensitive, differences, frame["n_only"].to_numpy()[rows])
    hidden = complete_suppression(system, set(np.flatnonzero(reason[rows] != "").tolist()),
                                  set(np.flatnonzero(fixed[rows]).tolist()))
    extra = [rows[i] for i in sorted(hidden) if reason[rows[i]] == ""]
    reason[extra] = "complementary"
