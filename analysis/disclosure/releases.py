"""A wave's results are released once: a later release must not reveal by subtraction.

Recomputing a released wave after a late class of 4 pupils answered, after
one pupil's answers were withdrawn, or with a lower threshold, and publishing
both versions, would reveal those pupils: the new district figure minus the
old one is their sum. :func:`protect_release` protects a new computation
against every earlier release of the same wave (or refuses it): the tables of
all releases are one linked system, each pupil marked by the releases that
counted them, and no published combination across them may determine a hidden
cell or the figures of fewer than ``min_n`` pupils that entered or left a group.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.disclosure._release_marks import IN, NEW, mark_changed, marked, membership
from analysis.disclosure._published_counts import published_by_counts, with_count_rows
from analysis.disclosure._table import measure_names
from analysis.disclosure.control import apply_disclosure_control

__all__ = ["Release", "ReleaseRefused", "protect_release"]


@dataclass(frozen=True)
class Release:
    """An earlier release of the wave: its table as published and the responses it counted.

    Attributes
    ----------
    table : pandas.DataFrame
        The published table (``group_var, group, measure, statistic, n,
        estimate, suppressed``; hidden rows with empty numbers).
    response_ids : collection
        The ``response_id`` of every pupil it was computed from.
    """

    table: pd.DataFrame
    response_ids: Collection


class ReleaseRefused(ValueError):
    """The new computation cannot be released next to the earlier ones."""


def protect_release(
    estimates: pd.DataFrame,
    pupils: pd.DataFrame,
    previous: Sequence[Release],
    *,
    min_n: int = 10,
    withdrawn: pd.DataFrame | None = None,
    refuse: bool = False,
    published_counts: Mapping[tuple[str, str], int] | None = None,
    **options,
) -> pd.DataFrame:
    """Disclosure control of a new computation of a wave already released before.

    Parameters
    ----------
    estimates : pandas.DataFrame
        The new computation, not yet disclosure-controlled, every grouping
        released together (as given to
        :func:`analysis.disclosure.apply_disclosure_control`).
    pupils : pandas.DataFrame
        The pupils it was computed from: ``response_id``, the grouping columns
        of ``estimates`` (``district``, ``school``, ...) and, best, the measure
        columns (a pupil counts for a measure where it has a value).
    previous : sequence of Release
        Every earlier release of the wave (possibly empty).
    min_n : int
        The threshold: no figure for fewer pupils, and no difference between
        releases isolating fewer pupils.
    withdrawn : pandas.DataFrame, optional
        Rows of pupils counted by an earlier release but not in ``pupils`` (in
        the same columns). Every such pupil must be in it: where a withdrawn
        pupil was is what the difference would reveal.
    refuse : bool
        Raise :class:`ReleaseRefused` instead of hiding more than the new
        computation alone would hide (a planner may prefer to keep the earlier
        release).
    published_counts : mapping of (group_var, group) to int, optional
        Pupil counts published with the new computation (its headline count):
        a new row they give away is locked, as in
        :func:`analysis.disclosure.apply_disclosure_control`. A row changed by
        fewer than ``min_n`` pupils stays hidden; its count must not be
        published either.
    **options
        Passed on (``rse_threshold``, ``min_category_count``, ``city_label``, ``sep``).

    Returns
    -------
    pandas.DataFrame
        ``estimates`` disclosure-controlled, in its row order and index.
        ``suppression_reason`` is ``"changed<K"`` where a group published
        before changed by fewer than ``K`` pupils (its new figures would
        reveal them), ``"complementary"`` for cells hidden so that nothing
        else does.

    Raises
    ------
    ReleaseRefused
        With ``refuse=True`` when earlier releases force extra suppression;
        always when no suppression of the new figures can protect them.
    ValueError
        For malformed input (missing columns, pupils of an earlier release
        neither in ``pupils`` nor in ``withdrawn``).

    Notes
    -----
    Each pupil is marked by the releases that counted it (kept, added later,
    withdrawn). Every group of every table is split into the cells of these
    marks that hold pupils; a cell of fewer than ``min_n`` pupils (the four
    late pupils of a district, the one withdrawn pupil) is protected like a
    hidden cell, and the earlier releases' figures are fixed: published ones
    stay published, hidden ones must stay underivable. A change of threshold
    alone leaves every pupil "kept": then a figure the earlier release hid
    stays derivable-proof. A group that some pupils entered and others left,
    fewer than ``min_n`` in all, has its change protected too (the new
    pupil's score minus the withdrawn one's). Not modelled: releases of other
    waves (different answers).

    Examples
    --------
    A late class of 4 pupils (ids 0-3) in district A, after a release of the
    other 60: the new city and district A figures minus the old ones would be
    those 4 pupils, so both are hidden (and hide each other):

    >>> import pandas as pd
    >>> from analysis.disclosure import Release, apply_disclosure_control, protect_release
    >>> pupils = pd.DataFrame({"response_id": range(64),
    ...                        "district": ["A"] * 24 + ["B"] * 20 + ["C"] * 20})
    >>> def table(n):
    ...     return pd.DataFrame({"group_var": "district", "group": ["all", "A", "B", "C"],
    ...                          "measure": "m", "statistic": "mean", "n": n,
    ...                          "estimate": 3.0, "se": 0.1})
    >>> first = apply_disclosure_control(table([60, 20, 20, 20]))
    >>> second = protect_release(table([64, 24, 20, 20]), pupils,
    ...                          [Release(first, response_ids=range(4, 64))])
    >>> second.set_index("group")["suppression_reason"].to_dict()
    {'all': 'changed<10', 'A': 'changed<10', 'B': '', 'C': ''}
    """
    if not isinstance(estimates, pd.DataFrame) or not isinstance(pupils, pd.DataFrame):
        raise ValueError("estimates and pupils must be pandas DataFrames")
    if "response_id" not in pupils.columns:
        raise ValueError("pupils need a response_id column")
    previous = [r if isinstance(r, Release) else Release(*r) for r in previous]
    city, sep = options.get("city_label", "all"), options.get("sep", ":")
    given = estimates
    estimates, added = with_count_rows(estimates, published_counts, pupils, measure_names(estimates),
                                       [], min_n, city, sep)
    units = membership(pupils, withdrawn, previous)
    names = [f"{IN}{r}" for r in range(len(previous))] + [f"{IN}{NEW}"]
    parts = []
    for r, release in enumerate(previous):
        part = marked(release.table, names[r], city, sep)
        part["_locked"] = True
        parts.append(part)
    new = marked(estimates.drop(columns=["suppressed", "suppression_reason"], errors="ignore"),
                  names[-1], city, sep)
    mark_changed(new, estimates, units, names, previous, min_n, city, sep)
    new["_locked"] = published_by_counts(estimates, published_counts,
                                         new["suppression_reason"].to_numpy(object), min_n, city, sep)
    combined = pd.concat(parts + [new], ignore_index=True)
    try:
        out = apply_disclosure_control(combined, min_n=min_n, units=units, crossed=names,
                                       locked="_locked", separate_by=[], **options)
    except RuntimeError as error:
        raise ReleaseRefused(f"the new computation cannot be protected against the earlier releases "
                             f"({error})") from None
    result = out.iloc[len(combined) - len(estimates):]
    flags = [c for c in ("suppressed", "suppression_reason", "low_precision") if c not in estimates.columns]
    result = result[list(estimates.columns) + flags].copy()
    result.index = estimates.index
    result["group_var"], result["group"] = estimates["group_var"], estimates["group"]
    if refuse and previous:
        alone = apply_disclosure_control(estimates.drop(columns=["suppressed", "suppression_reason"],
                                                        errors="ignore"), min_n=min_n, units=pupils,
                                         published_counts=published_counts, **options)
        extra = int((result["suppressed"] & ~alone["suppressed"]).sum())
        if extra:
            raise ReleaseRefused(f"releasing this computation would hide {extra} more figures than "
                                 f"computing it alone: it differs from an earlier release by fewer "
                                 f"than {min_n} pupils in some groups")
    if added:  # the n-only rows of counted groups without rows of their own
        result = result.iloc[:len(given)].copy()
        result.index = given.index
    return result
