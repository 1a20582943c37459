"""Exact rational linear algebra for disclosure control (private).

Sparse vectors are dicts ``{index: Fraction}``. Two views of one question,
"is unknown ``v`` pinned down by the identities ``A x = b``?":

* :class:`RowBasis`: the reduced row echelon form of ``A`` over the unknowns;
  ``v`` is pinned iff a reduced row has ``v`` as its only entry. Used as the
  final, from-scratch check.
* :class:`ColumnSpace`: the columns of ``A`` inserted one unknown at a time;
  ``v`` is pinned iff it lies on no circuit (no linear dependency among the
  inserted columns involves it: ``v`` is a coloop). Incremental, so the
  search for complementary cells does not start over at every step.
"""

from __future__ import annotations

from fractions import Fraction


class RowBasis:
    """Row space of a set of sparse rows, kept fully reduced."""

    def __init__(self):
        self.rows: dict[int, dict] = {}  # pivot column -> reduced row

    def add(self, row: dict) -> None:
        row = dict(row)
        for col in [c for c in row if c in self.rows]:
            if row.get(col):
                _axpy(row, -row[col], self.rows[col])
        if not row:
            return
        pivot = min(row)
        row = {c: a / row[pivot] for c, a in row.items()}
        for other in self.rows.values():
            if other.get(pivot):
                _axpy(other, -other[pivot], row)
        self.rows[pivot] = row

    def pinned(self) -> list[int]:
        return [p for p, row in self.rows.items() if len(row) == 1]


class ColumnSpace:
    """Span of inserted columns, with the set of columns that lie on a circuit."""

    def __init__(self, columns: dict[int, dict]):
        self.columns = columns  # column id -> sparse vector
        self.basis: dict[int, tuple[dict, dict]] = {}  # pivot -> (residual, combination)
        self.on_circuit: set[int] = set()
        self.inserted: set[int] = set()

    def insert(self, col: int) -> None:
        residual, combo = self._reduce(col)
        self.inserted.add(col)
        if residual:
            self.basis[min(residual)] = (residual, combo)
        else:
            self.on_circuit.update(combo)

    def would_free(self, col: int, new: list[int]) -> bool:
        """Would inserting ``new`` put ``col`` on a circuit (without inserting)?"""
        local: dict[int, tuple[dict, dict]] = {}
        for c in new:
            residual, combo = self._reduce(c)
            _eliminate(residual, combo, local)
            if residual:
                local[min(residual)] = (residual, combo)
            elif combo.get(col):
                return True
        return False

    def _reduce(self, col: int) -> tuple[dict, dict]:
        residual, combo = dict(self.columns[col]), {col: Fraction(1)}
        _eliminate(residual, combo, self.basis)
        return residual, combo


def _eliminate(residual: dict, combo: dict, basis: dict) -> None:
    """Reduce ``residual`` by pivots (smallest index first), tracking the combination."""
    while residual:
        pivot = min(residual)
        if pivot not in basis:
            remaining = [i for i in residual if i in basis]
            if not remaining:
                return
            pivot = min(remaining)
        vec, vcombo = basis[pivot]
        factor = residual[pivot] / vec[pivot]
        _axpy(residual, -factor, vec)
        _axpy(combo, -factor, vcombo)


def _axpy(target: dict, factor, source: dict) -> None:
    for c, a in source.items():
        value = target.get(c, 0) + factor * a
        if value:
            target[c] = value
        else:
            target.pop(c, None)
