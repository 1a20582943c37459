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
from itertools import combinations, product

import numpy as np

from analysis._exact_span import ColumnSpace, RowBasis

_KINDS = {"n": 0, "sum": 1, "count": 2, "delta": 3}
_ONE = 1
_MAX_TRIES = 40  # candidates tested per step before falling back to the cheapest
_MAX_ALTS = 12  # alternative levels per dimension when building hypercubes
_CAT = object()  # the category dimension
_TOTAL = object()  # the total level of a dimension


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

    def __init__(self, keys, categories, n, estimate, unpublished=(), sensitive=(), differences=()):
        """``unpublished``: groups without rows (their figures are unknowns);
        ``sensitive``: those of them whose figures must not be recoverable;
        ``differences``: pairs of groups ``(a, b)`` whose difference ``a - b``
        must not be recoverable either (a few pupils both added and removed)."""
        self.n_rows = len(keys)
        lattice = {frozenset(s) for key in set(keys) | set(unpublished) for r in range(len(key) + 1)
                   for s in combinations(sorted(key), r)}
        cats = sorted({c for c in categories if c is not None}, key=str)
        with_shares = {k for k, c in zip(keys, categories) if c is not None}
        has_mean = any(c is None for c in categories)
        rows_of = defaultdict(list)
        for i, (k, c) in enumerate(zip(keys, categories)):
            rows_of[("n", k, None)].append(i)
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

        for g in sorted(lattice, key=_name):
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
        for (p, _), kids in sorted(children.items(), key=lambda kv: (_name(kv[0][0]), kv[0][1])):
            for kind, c in [("n", None)] + [("sum", None)] * has_mean + [("count", c) for c in cats]:
                members = [index[(kind, k, c)] for k in kids if (kind, k, c) in index]
                if members:
                    self.relations.append((index.get((kind, p, c)), members))
        for g in sorted(lattice, key=_name):
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
        return (_KINDS[kind], -len(g), _name(g), str(c))

    def hypercubes(self, target: int, hidden: set) -> list[set]:
        """Row sets completing a hypercube around ``target``, cheapest first.

        A hypercube takes, in every dimension along which the target adds up
        (each group variable and the category), the target's level and one
        other (another value or the total). The alternating vector on its
        corners satisfies every identity, so with all corners suppressed none
        of them is recoverable (Repsilber's hypercube method, as in tau-ARGUS).
        """
        published = self.published(hidden)
        kind, g, c = self.vars[target]
        if kind == "delta":
            return []
        family = "sum" if kind == "sum" else "count"
        start = dict(g)
        if family == "count":
            start[_CAT] = c if kind == "count" else _TOTAL
        dims = []
        for name in sorted(self.levels) + ([_CAT] if family == "count" and self.cats else []):
            level = start.get(name, _TOTAL)
            values = self.cats if name == _CAT else sorted(self.levels[name], key=str)
            alts = [x for x in values if x != level] + ([_TOTAL] if level is not _TOTAL else [])
            alts = [a for a in alts if self._corner(family, {**start, name: a}) is not None]
            if alts:  # the target adds up along this dimension
                cost = {a: self.value[self._corner(family, {**start, name: a})] for a in alts}
                dims.append((name, sorted(alts, key=lambda a: (cost[a], str(a)))[:_MAX_ALTS]))
        ranked = []
        for choice in product(*[alts for _, alts in dims]):
            corners = [self._corner(family, {**start, **{n: (a if pick else start.get(n, _TOTAL))
                                                         for (n, _), a, pick in zip(dims, choice, picks)}})
                       for picks in product((False, True), repeat=len(dims))]
            if any(v is None for v in corners):
                continue
            shown = sorted({v for v in corners if published[v]})
            cost = sum(self.value[v] for v in shown)
            zeros = sum(self.value[v] <= 0 for v in shown)
            rows = set().union(*[self.var_rows[v] for v in shown]) if shown else set()
            ranked.append(((zeros > 0, cost, [str(a) for a in choice]), rows))
        return [rows for _, rows in sorted(ranked, key=lambda kv: kv[0]) if rows]

    def _corner(self, family: str, levels: dict):
        g = frozenset((n, x) for n, x in levels.items() if n != _CAT and x is not _TOTAL)
        c = levels.get(_CAT, _TOTAL)
        if family == "sum":
            return self.index.get(("sum", g, None))
        return self.index.get(("n", g, None) if c is _TOTAL else ("count", g, c))

    def candidates(self, target: int, hidden: set, locked: set = frozenset()) -> list[set]:
        """Row sets to hide, cheapest first, from the identities around ``target``.

        Figures on ``locked`` rows cannot be hidden: the search goes past them.
        """
        published = self.published(hidden)
        if locked:
            published = published & np.array([not (set(rows) & locked) for rows in self.var_rows], bool)
        frontier, seen = [target], {target}
        while frontier:
            ranked = {}
            for v in frontier:
                for r in self.member_of[v]:
                    parent, kids = self.relations[r]
                    for m in kids + ([parent] if parent is not None else []):
                        if not published[m] or m == v:
                            continue
                        role = 2 if m == parent else (1 if v == parent else 0)
                        kind, g, c = self.vars[m]
                        rank = (role, self.value[m] <= 0, self.value[m], _name(g), str(c), _KINDS[kind])
                        ranked[m] = min(rank, ranked.get(m, rank))
            if ranked:
                return [set(self.var_rows[m]) for m in sorted(ranked, key=ranked.get)]
            nxt = {m for v in frontier for r in self.member_of[v]
                   for m in self.relations[r][1] + [self.relations[r][0]]
                   if m is not None and m not in seen}
            seen |= nxt
            frontier = sorted(nxt)
        return []


def complete_suppression(system: MeasureSystem, hidden: set, locked: set = frozenset()) -> set:
    """Add complementary suppressions until no suppressed figure is recoverable.

    Greedy: take the first recoverable figure (counts before sums before
    category counts, detailed groups first, then by name), hide the cheapest
    published cell around it that makes it unrecoverable (or, if none does
    alone, the cheapest one) and repeat. Unknowns only ever grow, so the
    column space is updated, not rebuilt; a from-scratch check ends it.
    ``locked`` rows (published in an earlier release) are never hidden; a
    figure they determine on their own is left out (nothing can protect it
    now); a figure only hiding a locked row could protect raises
    :class:`RuntimeError`.
    """
    hidden = set(hidden)
    locked = set(locked) - hidden
    lost = set(system.determined(set(range(system.n_rows)) - locked)) if locked else set()
    space = ColumnSpace(system.columns())
    published = system.published(hidden)
    for v in np.flatnonzero(~published):
        space.insert(int(v))
    while True:
        found = [v for v in space.inserted if system.protected(v) and v not in space.on_circuit
                 and v not in lost]
        if not found:
            break
        target = min(found, key=system.target_order)
        free = set(range(system.n_rows)) - hidden - locked
        singles = system.candidates(target, hidden, locked) or [free]
        if not singles[0]:
            raise RuntimeError("disclosure control cannot protect this table")
        chosen = singles[0]
        options = [o for o in system.hypercubes(target, hidden)[:_MAX_TRIES] if not o & locked]
        for option in options + singles[:_MAX_TRIES]:
            new = np.flatnonzero(published & ~system.published(hidden | option)).tolist()
            if space.would_free(target, new):
                chosen = option
                break
        hidden |= chosen
        now = system.published(hidden)
        for v in np.flatnonzero(published & ~now):
            space.insert(int(v))
        published = now
    if set(system.determined(hidden)) - lost:
        raise RuntimeError("disclosure control left a recoverable figure; please report this")
    return hidden


def _name(group: frozenset) -> str:
    return "|".join(f"{v}={x}" for v, x in sorted(group))
