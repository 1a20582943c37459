"""How many pupils a figure covers: the quantity the threshold applies to."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["count_pupils"]


def count_pupils(
    data: pd.DataFrame,
    measures: Sequence[str],
    by: str | Sequence[str | Sequence[str]] = "district",
    *,
    city_label: str = "all",
    sep: str = ":",
) -> pd.DataFrame:
    """Count the pupils with a value for each measure, per group and for the city.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per pupil (scored responses).
    measures : sequence of str
        Columns to count non-missing values of.
    by : str or sequence of (str or sequence of str)
        Grouping variables; a tuple such as ``("district", "gender")`` is a
        cross classification named ``"district:gender"``.
    city_label, sep : str
        Label of the whole city (``group_var`` and ``group`` of its rows) and
        separator of cross-classified names.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_var, group, measure, n`` (int): the city rows first,
        then each grouping in the order given, groups sorted. Pupils with a
        missing grouping value count for the city only.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.disclosure import count_pupils
    >>> pupils = pd.DataFrame({"district": ["Nord", "Nord", "Sued"],
    ...                        "optimism": [3.0, None, 4.5]})
    >>> count_pupils(pupils, ["optimism"])
      group_var group   measure  n
    0       all   all  optimism  2
    1  district  Nord  optimism  1
    2  district  Sued  optimism  1
    """
    if not isinstance(data, pd.DataFrame):
        raise ValueError("data must be a pandas DataFrame")
    specs = [by] if isinstance(by, str) else list(by)
    specs = [(s,) if isinstance(s, str) else tuple(s) for s in specs]
    measures = [measures] if isinstance(measures, str) else list(measures)
    missing = sorted({c for s in specs for c in s}.union(measures) - set(data.columns))
    if missing:
        raise ValueError(f"columns not in data: {', '.join(map(str, missing))}")
    has_value = data[measures].notna().astype(int)
    parts = [pd.DataFrame({"group_var": city_label, "group": city_label,
                           "measure": measures, "n": has_value.sum().to_numpy()})]
    for spec in specs:
        known = data[list(spec)].notna().all(axis=1)
        label = data.loc[known, list(spec)].astype(str).agg(sep.join, axis=1)
        counts = has_value[known].groupby(label).sum()
        counts = counts.sort_index().stack().rename("n").reset_index()
        counts.columns = ["group", "measure", "n"]
        counts.insert(0, "group_var", sep.join(spec))
        parts.append(counts)
    result = pd.concat(parts, ignore_index=True)
    result["n"] = result["n"].astype(int)
    return result
