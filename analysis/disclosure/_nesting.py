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
from itertools import combinations

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


def unpublished_groups(units: pd.DataFrame, keys: Iterable[frozenset], nesting,
                       crossed: Iterable[str] = ()) -> list[tuple[frozenset, np.ndarray]]:
    """Groups of pupils the tables have no row for: unpublished, but part of their totals.

    For every set of variables a published group is defined by (``district``;
    ``district`` and ``gender``) and each of its subsets, every combination of
    values that holds pupils and is not published: the pupils who named no
    district (a missing value, or a label of their own such as ``none@3``);
    those of district 03 who gave no gender. Each is returned with the mask of
    its pupils in ``units``. Without them, "the groups of a variable add up to
    the city" would be taken as an identity where it is not one; and when one
    holds fewer pupils than the threshold, the city's figures minus the
    published groups' would be theirs, so it must be protected like a hidden
    group (:func:`unpublished_for`). ``crossed`` variables split groups into
    cells of their own (:class:`CrossedCells`) and are left out here.
    """
    crossed = set(crossed)
    shown: dict[tuple, set] = {}
    for key in keys:
        values = dict(key)
        names = tuple(sorted(set(values) - crossed))
        shown.setdefault(names, set()).add(tuple(values[v] for v in names))
    sets = {sub for names in shown for r in range(1, len(names) + 1)
            for sub in combinations(names, r) if all(v in units.columns for v in sub)}
    labels = {v: units[v].map(_label).to_numpy(object) for names in sets for v in names}
    found = []
    for names in sorted(sets):
        codes, patterns = pd.factorize(pd.Series(list(zip(*(labels[v] for v in names))), dtype=object))
        for code, values in enumerate(patterns):
            if values not in shown.get(names, ()):
                found.append((with_determined(frozenset(zip(names, values)), nesting), codes == code))
    return found


def unpublished_for(groups: list[tuple[frozenset, np.ndarray]], units: pd.DataFrame, measure: str,
                    min_n: int) -> tuple[list[frozenset], list[frozenset]]:
    """The groups of :func:`unpublished_groups` that hold pupils with ``measure``, and the small ones.

    A group's pupils are those with a value of ``measure`` when ``units`` has
    that column (a scale's n counts only the pupils who answered it); without
    it every pupil of the group counts, and none is taken as empty.
    """
    if measure not in units.columns:
        return [key for key, _ in groups], [key for key, mask in groups if mask.sum() < min_n]
    has = units[measure].notna().to_numpy()
    sizes = [(key, int((mask & has).sum())) for key, mask in groups]
    return [key for key, n in sizes if n], [key for key, n in sizes if 0 < n < min_n]


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
