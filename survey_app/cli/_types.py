"""Option types the commands share, beyond click's own."""

from __future__ import annotations

import math

import click


class FiniteFloatRange(click.FloatRange):
    """:class:`click.FloatRange` that also refuses ``nan`` and ``inf``.

    ``float("nan")`` parses, and every comparison with NaN is false, so
    click's range check lets it through; a share or threshold of NaN would
    then silently select nothing (or everything).

    Examples
    --------
    >>> FiniteFloatRange(0, 1).convert("0.5", None, None)
    0.5
    """

    name = "finite float range"

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number
