"""Every table stored for a wave, estimated apart and protected together.

A wave's stored results are several tables released at once: the districts of
each municipality (where the pupils live, compared with the municipality), the
schools of each municipality (for their coordinators) and, for a wave run
across a region, each municipality's total and the region's. Protected one by
one, a hidden cell of one could be recovered from the others by adding and
subtracting (a district from its municipality's total minus the other
districts, a school's "don't know" pupils from the school tables, ...).

Here each table is estimated with its own population and design, and then
disclosure control runs once over all of them (and over every earlier release
of the wave, see :mod:`analysis.disclosure.releases`): every row is written as a group of
the wave's pupils in one namespace (:func:`joint_label`), and the pupils
(:func:`wave_pupils`) tell the defender how the groups nest (a district in its
municipality, a school in its municipality).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.disclosure import apply_disclosure_control
from analysis.estimation import compare_to_city
from analysis.published import (add_small_area_estimates, readjust_published,
                                withhold_comparisons)
from analysis.pipeline import measures
from analysis.questionnaire import DONT_KNOW, Questionnaire

#: Columns of the pupils used by the joint protection (besides ``response_id`` and measures).
GROUPING_COLUMNS = ("area", "district", "school", "school_mun")


@dataclass
class WaveTable:
    """One stored table: its grouping, the municipality it belongs to, its estimates."""

    group_var: str  # "district", "school" or "municipality" (as stored)
    municipality_id: int | None
    estimates: pd.DataFrame  # compare_to_city output, not yet protected
    design: object  # the SurveyDesign it was estimated with (for the variance note)


def joint_label(group_var: str, municipality_id: int | None, group: str) -> tuple[str, str]:
    """The group of the wave's pupils that a stored row describes (``group_var, group``).

    District rows of municipality ``M``: ``all`` is the pupils of area ``M``
    (living there, or going to school there without saying where they live),
    ``dont_know`` those of them who did not know their district. School rows
    of ``M``: ``all`` is the pupils of ``M``'s schools. Municipality rows of a
    region wave: ``all`` is every pupil, ``M`` the pupils of ``M``'s schools.
    """
    group = str(group)
    if group_var == "district":
        if group == "all":
            return "area", str(municipality_id)
        if group == DONT_KNOW:
            return "district", f"{DONT_KNOW}@{municipality_id}"
        return "district", group
    if group_var == "school":
        return ("school_mun", str(municipality_id)) if group == "all" else ("school", group)
    if group_var == "municipality":
        return ("all", "all") if group == "all" else ("school_mun", group)
    raise ValueError(f"unknown grouping {group_var!r}")


def wave_pupils(scored: pd.DataFrame, homes: dict, municipality_ids: Sequence[int]) -> pd.DataFrame:
    """The wave's pupils with the joint grouping columns (labels as in :func:`joint_label`).

    ``scored`` holds ``school_id``, ``municipality_id`` (the school's),
    ``district_id`` and ``district`` (``dont_know`` or missing when the pupil
    did not name one) and, best, ``response_key`` (the database id, stable
    across computations; else ``response_id``). A pupil living outside the wave's municipalities has no
    area. Pupils without a district answer get a label of their own per area,
    so that a district names its area.
    """
    wanted = {int(m) for m in municipality_ids}
    home = scored["district_id"].map(lambda d: homes.get(int(d)) if pd.notna(d) else None)
    school_mun = scored["municipality_id"].astype("Int64").astype(str)
    known = home.notna()
    area = school_mun.astype(object).copy()
    area[known] = home[known].astype(int).astype(str)
    area[known & ~home.isin(wanted)] = np.nan
    district = pd.Series(pd.NA, index=scored.index, dtype=object)
    district[known] = scored.loc[known, "district_id"].astype(int).astype(str)
    unnamed = ~known
    said = scored["district"].astype(object) == DONT_KNOW
    district[unnamed & said] = DONT_KNOW + "@" + area[unnamed & said]
    district[unnamed & ~said] = "none@" + area[unnamed & ~said]
    ids = scored["response_key"] if "response_key" in scored.columns else scored["response_id"]
    return pd.DataFrame({"response_id": ids.astype(int).to_numpy(),
                         "area": area.to_numpy(), "district": district.to_numpy(),
                         "school": scored["school_id"].astype(int).astype(str).to_numpy(),
                         "school_mun": school_mun.to_numpy()}, index=scored.index)


def school_type_label(school_type: str | None, municipality) -> str:
    """The group of a municipality's schools of one type (``realschule@3``), whose pupils
    its Table 1 rows of that type add up to
    (:func:`survey_app.services.results_counts.published_counts`)."""
    return f"{school_type or ''}@{municipality}"


def with_school_types(pupils: pd.DataFrame, types: dict[int, str | None]) -> pd.DataFrame:
    """``pupils`` with ``school_type``: their school's :func:`school_type_label`.

    ``types``: school id to school type.
    """
    out = pupils.copy()
    out["school_type"] = [school_type_label(types.get(int(school)), municipality)
                          for school, municipality in zip(out["school"], out["school_mun"])]
    return out


def unprotected(design, questionnaire: Questionnaire, by: str) -> pd.DataFrame:
    """Every scale mean and category share by ``by``, compared with the design's total."""
    means, shares = measures(questionnaire)
    return compare_to_city(design, measures=means, categories=shares, by=by, adjust="holm",
                           ci_method="logit")


def protect(tables: Sequence[WaveTable], pupils: pd.DataFrame, questionnaire: Questionnaire,
            min_n: int, previous: Sequence = (), withdrawn: pd.DataFrame | None = None,
            published_counts: dict | None = None) -> list[pd.DataFrame]:
    """The tables as published: disclosure control over all of them (and earlier releases).

    ``pupils`` is :func:`wave_pupils` with the measure columns; ``previous`` are
    :class:`analysis.disclosure.Release` of this wave in the joint labels
    (:func:`joint_table`), ``withdrawn`` the pupils they counted who are gone,
    ``published_counts`` the pupil counts published beside the tables (joint
    labels; :func:`survey_app.services.results_counts.published_counts`).
    Returns each table with ``suppressed``, ``suppression_reason``,
    ``low_precision``, p-values adjusted across its published groups, and the
    small-area columns for districts (fitted to published districts only).
    """
    joint = pd.concat([joint_table(t.estimates, t.group_var, t.municipality_id)
                       for t in tables], ignore_index=True)
    alike = [(s.id, f"{s.id}_category") for s in questionnaire.scales]
    if previous:
        from analysis.disclosure import protect_release

        published = protect_release(joint, pupils, previous, min_n=min_n, withdrawn=withdrawn,
                                    alike=alike, published_counts=published_counts)
    else:
        published = apply_disclosure_control(joint, min_n=min_n, units=pupils, alike=alike,
                                             published_counts=published_counts)
    out, start = [], 0
    for table in tables:
        part = published.iloc[start:start + len(table.estimates)].copy()
        start += len(table.estimates)
        part.index = table.estimates.index
        part["group_var"] = table.estimates["group_var"]
        part["group"] = table.estimates["group"]
        part = readjust_published(withhold_comparisons(part), "holm")
        if table.group_var == "district":
            part = add_small_area_estimates(part, "district")
        out.append(_no_variance(part))
    return out


def joint_table(table: pd.DataFrame, group_var: str, municipality_id: int | None) -> pd.DataFrame:
    """``table`` (stored or estimated labels) with its groups in the joint namespace."""
    labels = [joint_label(group_var, municipality_id, g)  # plain objects: fast to iterate
              for g in table["group"].to_numpy(dtype=object)]
    out = table.copy()
    out["group_var"] = [v for v, _ in labels]
    out["group"] = [g for _, g in labels]
    return out


def _no_variance(table: pd.DataFrame) -> pd.DataFrame:
    """A shown estimate without a standard error is of low precision (never an SE of 0)."""
    shown = ~table["suppressed"].astype(bool) & table["estimate"].notna() & table["se"].isna()
    table["low_precision"] = table["low_precision"].astype(bool) | shown
    return table
