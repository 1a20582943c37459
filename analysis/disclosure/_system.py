"""The linear system behind complementary suppression (private to ``disclosure``).

For one measure of one wave, the figures an attacker can add and subtract are
group counts ``n``, sums ``n * mean`` and category counts ``share * n``. Each is
a variable; each additive identity (children add up to their total) is a row
of ``A``. A suppressed figure is exactly recoverable from the published ones
iff it has a zero in every vector of the null space of ``A`` restricted to the
unknown (suppressed or unpublished) variables, i.e. iff the reduced row
echelon form of that restricted system has a row with it as its only unknown.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np

from analysis.disclosure._exact_span import RowBasis

KINDS = {"n": 0, "sum": 1, "count": 2, "delta": 3}  # order in which figures are protected
_ONE = 1


def parse_group(group_var, group, city_label: str, sep: str) -> frozenset:
    """Return a group as a set of ``(variable, value)`` pairs; the city is empty."""
    if str(group_var) == city_label or str(group) == city_label:
        return frozenset()
    names, values = str(group_var).split(sep), str(group).split(sep)
    if len(names) != len(values):
        raise ValueError(f"group {group!r} does not match group_var {group_var!r} (separator {sep!r})")
    return frozenset((v, x) for v, x in zip(names, values) if x != city_label)


class MeasureSystem:
    """Variables, identities and row mapping of one measure's figures."""

    def __init__(self, keys, categories, n, estimate, unpublished=(), sensitive=(), differences=(),
                 n_only=None):
        """``unpublished``: groups without rows (their figures are unknowns);
        ``sensitive``: those of them whose figures must not be recoverable;
        ``differences``: pairs of groups ``(a, b)`` whose difference ``a - b``
        must not be recoverable either (a few pupils both added and removed);
        ``n_only``: rows that publish their group's pupil count only (a count
        printed beside the tables), not its sum or category counts."""
        self.n_rows = len(keys)
        lattice = {frozenset(s) for key in set(keys) | set(unpublished) for r in range(len(key) + 1)
                   for s in combinations(sorted(key), r)}
        cats = sorted({c for c in categories if c is not None}, key=str)
        n_only = np.zeros(len(keys), bool) if n_only is None else np.asarray(n_only, bool)
        with_shares = {k for k, c in zip(keys, categories) if c is not None}
        has_mean = any(c is None and not only for c, only in zip(categories, n_only))
        rows_of = defaultdict(list)
        for i, (k, c) in enumerate(zip(keys, categories)):
            rows_of[("n", k, None)].append(i)
            if not n_only[i]:
                rows_of[("sum" if c is None else "count", k, c)].append(i)
        count = np.rint(np.nan_to_num(np.asarray(estimate, float) * n))
        self.vars, self.var_rows, self.value, index = [], [], [], {}

        def add(kind, g, c):
            rows = rows_of.get((kind, g, c), [])
            if kind == "count" and not rows and g in with_shares:
                return  # a category missing from a published group: a known zero
            index[(kind, g, c)] = len(self.vars)
            self.vars.append((kind, g, c))
            self.var_rows.append(rows)
            src = n if kind != "count" else count
            self.value.append(min((src[i] for i in rows), default=0.0))

        for g in sorted(lattice, key=group_name):
            add("n", g, None)
            if has_mean:
                add("sum", g, None)
            for c in cats:
                add("count", g, c)
        children = defaultdict(list)
        for g in lattice:
            for pair in g:
                children[(g - {pair}, pair[0])].append(g)
        self.relations = []  # (parent index or None when a known zero, [child indices])
        for (p, _), kids in sorted(children.items(), key=lambda kv: (group_name(kv[0][0]), kv[0][1])):
            for kind, c in [("n", None)] + [("sum", None)] * has_mean + [("count", c) for c in cats]:
                members = [index[(kind, k, c)] for k in kids if (kind, k, c) in index]
                if members:
                    self.relations.append((index.get((kind, p, c)), members))
        for g in sorted(lattice, key=group_name):
            members = [index[("count", g, c)] for c in cats if ("count", g, c) in index]
            if cats:
                self.relations.append((index[("n", g, None)], members))
        self.index, self.lattice, self.cats = index, lattice, cats
        sensitive = set(sensitive)
        self.sensitive = {i for i, (_, g, _) in enumerate(self.vars) if g in sensitive}
        self.levels = defaultdict(set)  # group variable -> its values
        for g in lattice:
            for name, x in g:
                self.levels[name].add(x)
        for a, b in differences:
            for kind, c in [("n", None)] + [("sum", None)] * has_mean + [("count", c) for c in cats]:
                ia, ib = index.get((kind, a, c)), index.get((kind, b, c))
                if ia is None or ib is None:
                    continue
                self.sensitive.add(len(self.vars))
                self.relations.append((ia, [ib, len(self.vars)]))  # a = b + (a - b)
                self.vars.append(("delta", b, c))
                self.var_rows.append([])
                self.value.append(0.0)
        self.member_of = defaultdict(list)
        for r, (parent, kids) in enumerate(self.relations):
            for v in kids + ([parent] if parent is not None else []):
                self.member_of[v].append(r)

    def published(self, hidden: set) -> np.ndarray:
        return np.array([any(r not in hidden for r in rows) for rows in self.var_rows], bool)

    def determined(self, hidden: set) -> list[int]:
        """Suppressed figures recoverable from the published ones (from scratch)."""
        unknown = ~self.published(hidden)
        basis = RowBasis()
        for r in range(len(self.relations)):
            basis.add({v: a for v, a in self.column_entries(r) if unknown[v]})
        return sorted(v for v in basis.pinned() if self.protected(v))

    def protected(self, v: int) -> bool:
        """A figure that must not be recoverable once unpublished (a table cell or a sensitive group)."""
        return bool(self.var_rows[v]) or v in self.sensitive

    def column_entries(self, r: int):
        parent, kids = self.relations[r]
        return [(v, _ONE) for v in kids] + ([(parent, -_ONE)] if parent is not None else [])

    def columns(self) -> dict[int, dict]:
        """Each variable's column of ``A``: +1 where it is a part, -1 where the total."""
        cols = {v: {} for v in range(len(self.vars))}
        for r in range(len(self.relations)):
            for v, a in self.column_entries(r):
                cols[v][r] = a
        return cols

    def target_order(self, v: int):
        kind, g, c = self.vars[v]
        return (KINDS[kind], -len(g), group_name(g), str(c))


def group_name(group: frozenset) -> str:
    """A group's sortable name, ``district=03|gender=f``."""
    return "|".join(f"{v}={x}" for v, x in sorted(group))
