"""Nested grouping variables, read from the pupils (private to ``disclosure``).

Tables released together are linked not only through the city total: a
Sozialraum is the sum of its districts, a school the sum of its classes, a
grade the sum of its classes. An attacker who knows the city's geography and
its schools knows these nestings, so disclosure control must too. A variable
``b`` is nested in ``a`` (``a`` determines ``b``) when every value of ``a``
occurs with one value of ``b`` among the pupils who have both. Writing each
group with the values its variables determine (``{district: 03}`` becomes
``{district: 03, region: Nord}``) puts the districts of a region under the
region in the lattice of :class:`analysis._suppression.MeasureSystem`, whose
identities then include "a region is the sum of its districts".
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


def determined_values(units: pd.DataFrame, variables: Iterable[str]) -> dict[str, dict[str, dict]]:
    """For each variable ``a``, ``{b: {value of a: value of b}}`` for every ``b`` it determines.

    Values are compared as strings, as group labels are; a missing value is
    the level :data:`MISSING` (pupils who do not know their district have no
    Sozialraum either). A variable with one value is determined by every
    other; two variables that determine each other (a code and a name) are
    both added, which changes nothing.
    """
    variables = [v for v in dict.fromkeys(variables) if v in units.columns]
    labels = pd.DataFrame({v: units[v].map(_label) for v in variables})
    found: dict[str, dict[str, dict]] = {}
    for a in variables:
        for b in variables:
            if a == b:
                continue
            pairs = labels[[a, b]].drop_duplicates()
            if len(pairs) and not pairs[a].duplicated().any():
                found.setdefault(a, {})[b] = dict(zip(pairs[a], pairs[b]))
    return found


def missing_levels(units: pd.DataFrame, variables: Iterable[str], nesting) -> list[frozenset]:
    """Groups of pupils without a value of a grouping: unpublished, but part of the city.

    Without them, "the groups of a variable add up to the city" would be taken
    as an identity where it is not one.
    """
    return [with_determined(frozenset({(v, MISSING)}), nesting)
            for v in dict.fromkeys(variables) if v in units.columns and units[v].isna().any()]


def with_determined(key: frozenset, nesting: dict[str, dict[str, dict]]) -> frozenset:
    """The group ``key`` (pairs ``(variable, value)``) with the values it determines added."""
    if not nesting or not key:
        return key
    out = dict(key)
    frontier = list(key)
    while frontier:
        a, value = frontier.pop()
        for b, mapping in nesting.get(a, {}).items():
            if b not in out and value in mapping:
                out[b] = mapping[value]
                frontier.append((b, out[b]))
    return frozenset(out.items())


#: The level of a grouping variable for pupils without a value.
MISSING = "\x00missing"


def _label(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    return str(value)


class CrossedCells:
    """Each published group split by ``crossed`` variables (e.g. which release a pupil was in).

    The cells of a group by the crossed variables that hold pupils are
    unpublished groups (their figures are unknowns linking the tables); the
    others are known to be empty. A cell of fewer than ``min_n`` pupils (but
    some) is sensitive: no published combination may determine it, e.g. the
    four pupils of a late class, the difference between two releases.
    """

    def __init__(self, units: pd.DataFrame, crossed, variables):
        self.crossed = list(crossed)
        missing = [c for c in self.crossed if c not in units.columns]
        if missing:
            raise ValueError(f"crossed column(s) not in units: {', '.join(missing)}")
        variables = [v for v in dict.fromkeys(variables) if v in units.columns and v not in self.crossed]
        self.units = units
        self.labels = {v: units[v].map(_label).to_numpy(object) for v in variables}
        patterns = units[self.crossed].map(_label).apply(tuple, axis=1) if self.crossed else None
        self.codes, self.patterns = pd.factorize(patterns) if self.crossed else (None, [])
        self._masks = {}

    def cells(self, keys, measure: str, min_n: int):
        """Unpublished cells, the sensitive ones among them, and sensitive differences.

        With membership columns (``"yes"``/``"no"``), a group that some pupils
        entered and others left between two of them, fewer than ``min_n`` in
        all, gives the pair ``(group in the later, group in the earlier)``: the
        difference of its figures concerns those few pupils.
        """
        if not self.crossed:
            return [], [], []
        column = measure if measure in self.units.columns else None
        has = self.units[column].notna().to_numpy() if column else np.ones(len(self.units), bool)
        bases = {frozenset((v, x) for v, x in key if v not in self.crossed) for key in keys} | {frozenset()}
        unpublished, sensitive, differences = [], [], []
        pairs = [(i, j) for j in range(len(self.crossed)) for i in range(j)]
        for base in sorted(bases, key=sorted):
            mask = has.copy()
            for pair in base:
                mask &= self._mask(pair)
            counts = np.bincount(self.codes[mask], minlength=len(self.patterns))
            for code in np.flatnonzero(counts):
                cell = base | frozenset(zip(self.crossed, self.patterns[code]))
                unpublished.append(cell)
                if counts[code] < min_n:
                    sensitive.append(cell)
            for i, j in pairs:
                ins = sum(counts[k] for k, p in enumerate(self.patterns) if p[i] == "no" and p[j] == "yes")
                outs = sum(counts[k] for k, p in enumerate(self.patterns) if p[i] == "yes" and p[j] == "no")
                if ins and outs and ins + outs < min_n:
                    differences.append((base | {(self.crossed[j], "yes")}, base | {(self.crossed[i], "yes")}))
        return unpublished, sensitive, differences

    def _mask(self, pair):
        if pair not in self._masks:
            variable, value = pair
            labels = self.labels.get(variable)
            self._masks[pair] = (labels == value) if labels is not None else np.zeros(len(self.units), bool)
        return self._masks[pair]
