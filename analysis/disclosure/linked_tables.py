"""Tables released together, protected together.

A city publishes several tables of one wave: districts (the map), the
Sozialräume above them, schools (for their coordinators), grades, gender. Each
table protected on its own is not enough: a hidden district of a region can be
the region's total minus its published districts, and the same cell hidden in
one table may be published in another. :func:`protect_linked_tables` passes
all of them through the one disclosure-control function at once, so that the
complementary cells are chosen over every identity that links them (the way
tau-ARGUS and sdcTable protect linked and hierarchical tables).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.disclosure.control import apply_disclosure_control

__all__ = ["protect_linked_tables"]


def protect_linked_tables(
    tables: Mapping[str, pd.DataFrame] | Sequence[pd.DataFrame],
    units: pd.DataFrame | None = None,
    min_n: int = 10,
    **options,
) -> dict[str, pd.DataFrame] | list[pd.DataFrame]:
    """Apply disclosure control jointly to the tables of one release.

    Parameters
    ----------
    tables : mapping of name to DataFrame, or sequence of DataFrames
        Estimates tables in the layout of
        :func:`analysis.disclosure.apply_disclosure_control`, one per grouping
        (or any split of one release). The city rows may repeat across tables.
    units : pandas.DataFrame, optional
        The pupils with the grouping columns, from which nested groupings
        (districts within a Sozialraum, classes within a school) are read.
        Without it, tables are linked through the city total and shared cells
        only.
    min_n : int
        The threshold (``MIN_GROUP_SIZE``).
    **options
        Passed to :func:`analysis.disclosure.apply_disclosure_control`
        (``rse_threshold``, ``min_category_count``, ``city_label``, ``sep``,
        ``separate_by``, ``published_counts``: the pupil counts a report
        prints beside the tables, such as its number of questionnaires).

    Returns
    -------
    dict or list of pandas.DataFrame
        The tables, in the form given, each with its own rows, index and
        columns plus ``suppressed``, ``suppression_reason`` and
        ``low_precision``; no combination of published figures across them
        determines a hidden one (see the attack model of
        :func:`analysis.disclosure.apply_disclosure_control`).

    Notes
    -----
    Measures are protected independently, as in the one-table case.
    Identities taken as known: each grouping adds up to the city, cross
    classifications to their margins, and nested groupings found in ``units``
    to the groups they nest in. Not modelled: coincidences of the data (a
    school whose pupils all live in one district, which the attacker cannot
    know from the published tables).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.disclosure import protect_linked_tables
    >>> pupils = pd.DataFrame({"district": ["A"] * 4 + ["B"] * 30 + ["C"] * 20 + ["D"] * 30,
    ...                        "region": ["N"] * 34 + ["S"] * 50})
    >>> def table(var, counts):
    ...     return pd.DataFrame({"group_var": var, "group": ["all", *counts],
    ...                          "measure": "m", "statistic": "mean",
    ...                          "n": [84, *counts.values()], "estimate": 3.0, "se": 0.1})
    >>> tables = {"district": table("district", {"A": 4, "B": 30, "C": 20, "D": 30}),
    ...           "region": table("region", {"N": 34, "S": 50})}

    Alone, the district table would hide C beside A (the smallest partner),
    and A would be region N minus B. Together, B is hidden:

    >>> out = protect_linked_tables(tables, units=pupils)
    >>> out["district"].set_index("group")["suppression_reason"].to_dict()
    {'all': '', 'A': 'n<10', 'B': 'complementary', 'C': '', 'D': ''}
    >>> bool(out["region"]["suppressed"].any())
    False
    """
    named = isinstance(tables, Mapping)
    names = list(tables) if named else list(range(len(tables)))
    frames = [tables[k] for k in names]
    if not frames:
        raise ValueError("give at least one table")
    for name, frame in zip(names, frames):
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"table {name!r} is not a pandas DataFrame")
    combined = pd.concat([f.reset_index(drop=True) for f in frames], ignore_index=True)
    protected = apply_disclosure_control(combined, min_n=min_n, units=units, **options)
    out, start = [], 0
    for frame in frames:
        part = protected.iloc[start:start + len(frame)]
        start += len(frame)
        columns = list(frame.columns) + [c for c in ("suppressed", "suppression_reason", "low_precision")
                                         if c not in frame.columns]
        part = part[columns].copy()
        part.index = frame.index
        out.append(part)
    return dict(zip(names, out)) if named else out
