"""A wave's results: computed once with the analysis library, stored, released, read.

Pages, downloads and reports read the stored :class:`ResultSet` and never
recompute: every figure they show comes from one computation whose
provenance is stored with it. The statistics are all in ``analysis``; this
module only turns stored answers into its input (through
:mod:`survey_app.services.frames`) and its output into rows.

Every table stored for a wave (districts, schools, a region's municipalities)
is protected together with the others (:mod:`survey_app.services.results_tables`).

Life cycle: :func:`compute_results` stores a draft (a newer computation
replaces the draft); :func:`release_results` makes it visible to planners
and freezes it. A released wave may be computed again (late answers, a
withdrawal, another threshold): the new draft is protected against every
earlier release or refused, see :func:`check_new_release_allowed`; planners
see the newest release.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Callable

import numpy as np
import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from analysis.pipeline import measures
from analysis.questionnaire import DONT_KNOW, Questionnaire
from analysis.disclosure import Release, ReleaseRefused
from analysis.scoring import score
from survey_app.models import District, Municipality, ResultEstimate, ResultSet, School, Wave
from survey_app.services import audit, results_counted
from survey_app.services import results_response_table as response_table
from survey_app.services.errors import InvalidInput
from survey_app.services.frames import responses_frame
from survey_app.services.results_counts import published_counts, schools_of_rows
from survey_app.services.results_design import table_design, wave_design
from survey_app.services.results_groups import grouped_tables, table_rows
from survey_app.services.results_reliability import keep_earlier_reliability, reliability_json
from survey_app.services.results_tables import (WaveTable, protect, unprotected, wave_pupils,
                                             with_school_types)

#: Columns of :class:`ResultEstimate` filled from the analysis table.
NUMBER_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "diff_city", "p_value", "p_adjusted",
                  "df", "sae_estimate", "sae_rmse", "sae_shrinkage")

#: ``progress(done, total, what)`` is called after each step of a computation.
Progress = Callable[[int, int, str], None]


class ResultsFrozen(InvalidInput):
    """The wave's results are released; a new computation would reveal pupils."""


def wave_municipalities(session: Session, wave: Wave) -> list[Municipality]:
    """The municipalities a wave's results are computed for (one, or its region's)."""
    if wave.municipality_id is not None:
        return [wave.municipality]
    return list(session.scalars(select(Municipality).where(
        Municipality.region_id == wave.region_id).order_by(Municipality.name)))


def released(session: Session, wave_id: int) -> ResultSet | None:
    """The wave's released results (the newest release), or ``None``."""
    return session.scalar(select(ResultSet).where(
        ResultSet.wave_id == wave_id, ResultSet.state == "released")
        .order_by(ResultSet.released_at.desc(), ResultSet.id.desc()).limit(1))


def draft(session: Session, wave_id: int) -> ResultSet | None:
    """The wave's unreleased results, or ``None``."""
    return session.scalar(select(ResultSet).where(
        ResultSet.wave_id == wave_id, ResultSet.state == "draft")
        .order_by(ResultSet.id.desc()).limit(1))


def check_new_release_allowed(session: Session, wave: Wave) -> list[tuple[Release, pd.DataFrame]]:
    """The earlier releases a new computation of the wave must be protected against.

    Two releases of one wave that differ by a few late or withdrawn answers
    (or by their threshold) reveal those pupils by subtraction. A new
    computation of a released wave is therefore protected against every
    earlier release (:func:`analysis.disclosure.protect_release`, called by
    :func:`compute_results` with what this returns: each release's published
    table and the responses it counted) or refused with
    :class:`ResultsFrozen`. Refused here: a release that did not keep the
    responses it counted (computed before they were kept), since it cannot be
    protected against.
    """
    earlier = []
    for result_set in results_counted.earlier_releases(session, wave.id):
        if not result_set.counted:
            raise ResultsFrozen(_(
                "The results of %(wave)s were released without the record of the answers "
                "they counted, so a new release cannot be protected against them: a second "
                "release that differs by a few answers could reveal those pupils by "
                "subtraction. They cannot be recomputed.", wave=wave.name))
        earlier.append(results_counted.as_release(session, result_set))
    return earlier


def compute_results(session: Session, wave: Wave, questionnaire: Questionnaire, *,
                    min_group_size: int, actor_id: int | None = None,
                    progress: Progress | None = None,
                    now: dt.datetime | None = None) -> ResultSet:
    """Compute the wave's results from its submitted answers and store them as a draft.

    A previous draft is replaced; a released wave raises :class:`ResultsFrozen`,
    a wave without submitted answers :class:`InvalidInput`. Results are
    computed per municipality of the wave (the "city" of each comparison),
    grouped by the district the pupils live in, weighted to the classes'
    enrolment when every class with answers has an enrolled count.
    """
    earlier = check_new_release_allowed(session, wave)
    if (questionnaire.id, questionnaire.version, questionnaire.content_hash) != (
            wave.questionnaire_id, wave.questionnaire_version, wave.questionnaire_hash):
        raise InvalidInput(_("The questionnaire file differs from the one the wave was run "
                             "with; results are not computed."))
    municipalities = wave_municipalities(session, wave)
    total = len(municipalities) + 2
    step = _stepper(progress, total)
    frame = responses_frame(session, wave, questionnaire, keys=True)
    if frame.empty:
        raise InvalidInput(_("The wave has no submitted answers yet; there is nothing to "
                             "compute."))
    scored = _prepared(score(frame, questionnaire))
    try:
        built, weighted = wave_design(session, wave, scored)
    except ValueError as error:  # e.g. more answers than enrolled pupils in a cell
        raise InvalidInput(_("The answers cannot be weighted to the enrolment: %(error)s",
                             error=str(error))) from None
    step(_("answers read and scored"))
    homes = dict(session.execute(select(District.id, District.municipality_id)).all())
    home = scored["district_id"].map(homes)
    tables = []
    for municipality in municipalities:
        # Pupils living in the municipality, and those who did not say where they live
        # but go to school there: the municipality's "city" total.
        part = scored[(home == municipality.id)
                      | (home.isna() & (scored["municipality_id"] == municipality.id))]
        if not part.empty:
            try:
                tables.append(WaveTable("district", municipality.id, unprotected(
                    table_design(built, part.index), questionnaire, "district"), None))
            except ValueError as error:  # the analysis library refuses the data: say why
                raise InvalidInput(_("The results of %(municipality)s could not be computed: "
                                     "%(error)s", municipality=municipality.name,
                                     error=str(error))) from None
        step(municipality.name)
    notes: dict = {"design": list(built.notes)}
    if len(built.cells):
        notes["weighting"] = built.cells.astype(object).where(built.cells.notna(), None) \
            .to_dict("records")
    released = results_counted.earlier_releases(session, wave.id) if earlier else []
    shown = len(frame)
    if earlier:  # the releases this draft is protected against (checked when releasing it)
        notes["protected_against"] = [int(r.id) for r in released]
        shown = responses_to_show(len(frame), released, min_group_size)
        if shown != len(frame):
            notes["responses_shown"] = shown
    notes["response_table"], kept = response_table.tables_to_show(response_table.count_tables(
        session, wave.id, frame["response_key"].astype(int), [m.id for m in municipalities]),
        released, min_group_size)
    if kept:
        notes["response_table_kept"] = True
    schools = schools_of_rows(session, wave.id, scored)
    counts = published_counts(len(frame) if shown == len(frame) else None,
                              None if kept else notes["response_table"], min_group_size, schools)
    weighting = "enrolment" if weighted else "none"
    # Schools (for their coordinators) and a region wave's municipality and region totals,
    # all protected together with the districts: they are released together.
    tables += grouped_tables(wave, questionnaire, built, scored, municipalities)
    means, shares = measures(questionnaire)
    pupils = wave_pupils(scored, homes, [m.id for m in municipalities])
    pupils = pd.concat([pupils, scored[[*means, *shares]]], axis=1)
    previous, withdrawn = _previous(earlier, pupils)
    # all schools: a withdrawn pupil's class may be gone from the wave
    types = dict(session.execute(select(School.id, School.school_type)).all())
    pupils = with_school_types(pupils, types)
    if withdrawn is not None:
        withdrawn = with_school_types(withdrawn, types)
    try:
        published = protect(tables, pupils, questionnaire, min_group_size, previous, withdrawn,
                            published_counts=counts)
    except ReleaseRefused as error:
        raise ResultsFrozen(_(
            "The results of %(wave)s are released; a new release cannot be protected against "
            "the earlier one (%(reason)s). The released results stay as they are.",
            wave=wave.name, reason=str(error))) from None
    rows = []
    for table, protected in zip(tables, published):
        if table.group_var == "district":
            rows += _rows(session, protected, table.municipality_id)
        else:
            rows += table_rows(table, protected)
    for old in session.scalars(select(ResultSet).where(ResultSet.wave_id == wave.id,
                                                       ResultSet.state == "draft")):
        session.delete(old)
    session.flush()
    result = ResultSet(
        wave_id=wave.id, state="draft", computed_at=now or dt.datetime.now(dt.timezone.utc),
        computed_by_id=actor_id, questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_hash=questionnaire.content_hash, min_group_size=min_group_size,
        design=built.name, weighting=weighting, responses=len(frame),
        notes=json.dumps(notes, ensure_ascii=False, default=_plain),
        counted=results_counted.dump(pupils, [*means, *shares]),
        reliability=keep_earlier_reliability(
            reliability_json(frame, questionnaire, min_group_size), released, min_group_size))
    session.add(result)
    session.flush()
    if rows:
        session.execute(insert(ResultEstimate), [{**row, "result_set_id": result.id}
                                                 for row in rows])
    step(_("results stored"))
    audit.record(session, actor_id, "results.compute", result, wave=wave.name,
                 responses=len(frame), min_group_size=min_group_size, weighting=weighting,
                 design=built.name)
    return result


def compute_wave(session: Session, wave: Wave, *, extra_dirs: str | None, min_group_size: int,
                 actor_id: int | None = None, progress: Progress | None = None) -> ResultSet:
    """:func:`compute_results` with the questionnaire the wave pinned (found on disk)."""
    from survey_app.services import questionnaires

    check_new_release_allowed(session, wave)
    try:
        questionnaire = questionnaires.find(wave.questionnaire_id, wave.questionnaire_version,
                                            wave.questionnaire_hash, extra_dirs)
    except questionnaires.QuestionnaireNotFound as error:
        raise InvalidInput(str(error)) from None
    return compute_results(session, wave, questionnaire, min_group_size=min_group_size,
                           actor_id=actor_id, progress=progress)


def responses_to_show(responses: int, released: list[ResultSet], min_group_size: int) -> int:
    """The number of responses a new release of a released wave may say it counts.

    Found by attacking the reports (issue 12): a re-release with 3 late pupils
    hid every figure they changed, but its headline said 440 where the first
    said 437. When the count differs from any earlier release's published one
    by 1 to ``min_group_size - 1``, the latest release's published count is
    said instead (the figures published come from it).
    """
    if any(0 < abs(responses - r.shown_responses) < min_group_size for r in released):
        return released[-1].shown_responses
    return responses


def _previous(earlier, pupils: pd.DataFrame):
    """Earlier releases and the pupils they counted who are no longer among ``pupils``."""
    previous = [release for release, _ in earlier]
    gone = [counted[~counted["response_id"].isin(pupils["response_id"])] for _, counted in earlier]
    gone = [g for g in gone if len(g)]
    withdrawn = None
    if gone:
        withdrawn = pd.concat(gone, ignore_index=True).drop_duplicates("response_id", keep="last")
        withdrawn = withdrawn.reindex(columns=pupils.columns)
    return previous, withdrawn


def _stepper(progress: Progress | None, total: int):
    done = [0]

    def step(what: str) -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], total, what)
    return step


def _prepared(scored: pd.DataFrame) -> pd.DataFrame:
    """Analysis columns: home district by id (or ``dont_know``), school by id, the groups of
    the school and region tables."""
    data = scored.copy()
    data["district"] = data["district_id"].astype("string").where(
        data["district_id"].notna(),
        data["district"].where(data["district"] == DONT_KNOW)).astype(object)
    data["school"] = data["school_id"].astype(str)
    data["grade"] = data["grade"].astype("Int64")
    data["class_key"] = data["school"] + "/" + data["class"].astype(str)
    data["school_group"] = data["school"]
    data["municipality_group"] = data["municipality_id"].astype("string").astype(object)
    return data


def _rows(session: Session, table: pd.DataFrame, municipality_id: int) -> list[dict]:
    """Estimate rows of one municipality, with district ids; suppressed rows hold no figure."""
    known = set(session.scalars(select(District.id)))
    return estimate_rows(table, group_var="district", municipality_id=municipality_id,
                         district_ids=known)


def estimate_rows(table: pd.DataFrame, *, group_var: str, municipality_id: int | None,
                  district_ids: set[int] = frozenset(), school_ids: bool = False) -> list[dict]:
    """A published table's records as stored rows; suppressed rows hold no figure, no ``n``.

    ``district_ids``: groups that are one of these ids name their district;
    ``school_ids``: groups name their school by its id.
    """
    columns = [table[c].to_numpy(dtype=object).tolist() if c in table.columns
               else [None] * len(table)
               for c in ("group", "measure", "statistic", "suppressed", "n",
                         "suppression_reason", "low_precision")]
    hidden = np.array([bool(s) for s in columns[3]], dtype=bool)
    numbers = [_floats(table, column, hidden) for column in NUMBER_COLUMNS]
    rows = []
    for i, (group, measure, statistic, suppressed, n, reason, low) in enumerate(zip(*columns)):
        group = str(group)
        suppressed = bool(suppressed)
        number = int(group) if group.isdigit() else None
        row = {"municipality_id": municipality_id, "group_var": group_var,
               "group_key": group,
               "district_id": number if number in district_ids else None,
               "school_id": number if school_ids else None,
               "measure": str(measure), "statistic": str(statistic),
               "n": None if suppressed else _int(n),
               "suppressed": suppressed,
               "suppression_reason": _text(reason),
               "low_precision": bool(low or False)}
        for column, values in zip(NUMBER_COLUMNS, numbers):
            row[column] = values[i]
        rows.append(row)
    return rows


def _floats(table: pd.DataFrame, column: str, hidden: np.ndarray) -> list:
    """The column as stored numbers: ``None`` where missing, not finite or ``hidden``.

    All rows at once: a county's tables have some 200,000 figures, and a
    conversion per figure was a visible share of storing them.
    """
    if column not in table.columns:
        return [None] * len(table)
    values = table[column].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        keep = np.isfinite(values) & ~hidden
    return np.where(keep, values, None).tolist()


def _plain(value):
    """JSON for numpy scalars in the weighting report."""
    return value.item() if hasattr(value, "item") else str(value)


def _int(value) -> int | None:
    return None if value is None or value is pd.NA or pd.isna(value) else int(value)


def _text(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value) or None


def release_results(session: Session, actor_id: int | None, result_set: ResultSet,
                    now: dt.datetime | None = None) -> ResultSet:
    """Release a draft to the planners; from now on it is frozen."""
    if result_set.state != "draft":
        raise InvalidInput(_("These results are released already."))
    protected = set(json.loads(result_set.notes or "{}").get("protected_against", []))
    newer = [r.id for r in results_counted.earlier_releases(session, result_set.wave_id)
             if r.id not in protected]
    if newer:
        raise ResultsFrozen(_("These results were computed before the latest release of the "
                              "wave and are not protected against it; compute them again."))
    result_set.state = "released"
    result_set.released_at = now or dt.datetime.now(dt.timezone.utc)
    result_set.released_by_id = actor_id
    session.flush()
    audit.record(session, actor_id, "results.release", result_set,
                 wave=result_set.wave.name, responses=result_set.responses)
    return result_set


def estimates_frame(session: Session, result_set: ResultSet, municipality_id: int | None = None,
                    group_var: str = "district") -> pd.DataFrame:
    """The stored estimates as a DataFrame (the columns of :class:`ResultEstimate`).

    Suppressed rows are included, so that a page can say why a group has no
    figure; they hold no number (not even ``n``).
    """
    table = ResultEstimate.__table__
    conditions = [table.c.result_set_id == result_set.id, table.c.group_var == group_var]
    if municipality_id is not None:
        conditions.append(table.c.municipality_id == municipality_id)
    rows = session.execute(select(table).where(*conditions).order_by(table.c.id)).all()
    # plain tuples: given Row objects, pandas probes each one's attributes (slow pages)
    return pd.DataFrame([tuple(row) for row in rows], columns=[c.key for c in table.columns])
