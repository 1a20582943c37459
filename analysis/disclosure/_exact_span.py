"""Exact rational linear algebra for disclosure control (private).

Sparse vectors are dicts ``{index: int or Fraction}`` (exact either way; ints
where the elimination stays integral, which is most of the time and much
faster). Two views of one question,
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
        self.holders: dict[int, set] = {}  # column -> pivots of the rows with an entry there

    def add(self, row: dict) -> None:
        row = dict(row)
        for col in [c for c in row if c in self.rows]:
            if row.get(col):
                _axpy(row, -row[col], self.rows[col])
        if not row:
            return
        pivot = min(row)
        row = {c: _div(a, row[pivot]) for c, a in row.items()}
        for q in list(self.holders.get(pivot, ())):
            other = self.rows[q]
            if other.get(pivot):
                _axpy(other, -other[pivot], row)
                for c in row:
                    if c in other:
                        self.holders.setdefault(c, set()).add(q)
                    else:
                        self.holders.get(c, set()).discard(q)
        self.holders[pivot] = set()
        self.rows[pivot] = row
        for c in row:
            self.holders.setdefault(c, set()).add(pivot)

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
        residual, combo = dict(self.columns[col]), {col: 1}
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
        factor = _div(residual[pivot], vec[pivot])
        _axpy(residual, -factor, vec)
        _axpy(combo, -factor, vcombo)


def _div(a, b):
    """``a / b`` exactly: an int where it divides (most steps here), else a Fraction."""
    if isinstance(a, int) and isinstance(b, int):
        return a // b if a % b == 0 else Fraction(a, b)
    return _int(Fraction(a) / b)


def _int(x):
    return x.numerator if type(x) is Fraction and x.denominator == 1 else x


def _axpy(target: dict, factor, source: dict) -> None:
    for c, a in source.items():
        value = target.get(c, 0) + factor * a
        if value:
            target[c] = _int(value) if type(value) is Fraction else value
        else:
            target.pop(c, None)
