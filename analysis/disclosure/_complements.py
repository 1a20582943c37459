"""Choosing the complementary cells (private to :mod:`analysis.disclosure`).

Given the linear system of one measure (:class:`~analysis.disclosure._system.MeasureSystem`)
and the cells hidden so far, :func:`complete_suppression` hides more published
cells until no hidden figure is recoverable: first the hypercubes around a
recoverable figure (Repsilber's method, as in tau-ARGUS), then single cells of
its identities. :func:`protect_measures` runs it for every measure of a table.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from analysis.disclosure._exact_span import ColumnSpace
from analysis.disclosure._system import KINDS, MeasureSystem, group_name

_MAX_TRIES = 40  # candidates tested per step before falling back to the cheapest
_MAX_ALTS = 12  # alternative levels per dimension when building hypercubes
_CAT = object()  # the category dimension
_TOTAL = object()  # the total level of a dimension


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
        singles = candidates(system, target, hidden, locked) or [free]
        if not singles[0]:
            raise RuntimeError("disclosure control cannot protect this table")
        chosen = singles[0]
        options = [o for o in hypercubes(system, target, hidden)[:_MAX_TRIES] if not o & locked]
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


def hypercubes(system: MeasureSystem, target: int, hidden: set) -> list[set]:
    """Row sets completing a hypercube around ``target``, cheapest first.

    A hypercube takes, in every dimension along which the target adds up
    (each group variable and the category), the target's level and one
    other (another value or the total). The alternating vector on its
    corners satisfies every identity, so with all corners suppressed none
    of them is recoverable (Repsilber's hypercube method, as in tau-ARGUS).
    """
    published = system.published(hidden)
    kind, g, c = system.vars[target]
    if kind == "delta":
        return []
    family = "sum" if kind == "sum" else "count"
    start = dict(g)
    if family == "count":
        start[_CAT] = c if kind == "count" else _TOTAL
    dims = []
    for name in sorted(system.levels) + ([_CAT] if family == "count" and system.cats else []):
        level = start.get(name, _TOTAL)
        values = system.cats if name == _CAT else sorted(system.levels[name], key=str)
        alts = [x for x in values if x != level] + ([_TOTAL] if level is not _TOTAL else [])
        alts = [a for a in alts if _corner(system, family, {**start, name: a}) is not None]
        if alts:  # the target adds up along this dimension
            cost = {a: system.value[_corner(system, family, {**start, name: a})] for a in alts}
            dims.append((name, sorted(alts, key=lambda a: (cost[a], str(a)))[:_MAX_ALTS]))
    ranked = []
    for choice in product(*[alts for _, alts in dims]):
        corners = [_corner(system, family, {**start, **{n: (a if pick else start.get(n, _TOTAL))
                                                     for (n, _), a, pick in zip(dims, choice, picks)}})
                   for picks in product((False, True), repeat=len(dims))]
        if any(v is None for v in corners):
            continue
        shown = sorted({v for v in corners if published[v]})
        cost = sum(system.value[v] for v in shown)
        zeros = sum(system.value[v] <= 0 for v in shown)
        rows = set().union(*[system.var_rows[v] for v in shown]) if shown else set()
        ranked.append(((zeros > 0, cost, [str(a) for a in choice]), rows))
    return [rows for _, rows in sorted(ranked, key=lambda kv: kv[0]) if rows]

def _corner(system: MeasureSystem, family: str, levels: dict):
    g = frozenset((n, x) for n, x in levels.items() if n != _CAT and x is not _TOTAL)
    c = levels.get(_CAT, _TOTAL)
    if family == "sum":
        return system.index.get(("sum", g, None))
    return system.index.get(("n", g, None) if c is _TOTAL else ("count", g, c))

def candidates(system: MeasureSystem, target: int, hidden: set, locked: set = frozenset()) -> list[set]:
    """Row sets to hide, cheapest first, from the identities around ``target``.

    Figures on ``locked`` rows cannot be hidden: the search goes past them.
    """
    published = system.published(hidden)
    if locked:
        published = published & np.array([not (set(rows) & locked) for rows in system.var_rows], bool)
    frontier, seen = [target], {target}
    while frontier:
        ranked = {}
        for v in frontier:
            for r in system.member_of[v]:
                parent, kids = system.relations[r]
                for m in kids + ([parent] if parent is not None else []):
                    if not published[m] or m == v:
                        continue
                    role = 2 if m == parent else (1 if v == parent else 0)
                    kind, g, c = system.vars[m]
                    rank = (role, system.value[m] <= 0, system.value[m], group_name(g), str(c), KINDS[kind])
                    ranked[m] = min(rank, ranked.get(m, rank))
        if ranked:
            return [set(system.var_rows[m]) for m in sorted(ranked, key=ranked.get)]
        nxt = {m for v in frontier for r in system.member_of[v]
               for m in system.relations[r][1] + [system.relations[r][0]]
               if m is not None and m not in seen}
        seen |= nxt
        frontier = sorted(nxt)
    return []
