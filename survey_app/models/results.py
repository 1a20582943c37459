"""Stored results of a wave: what the planner pages, downloads and reports read.

A :class:`ResultSet` is one computation of a wave's estimates with everything
it was computed from (questionnaire id, version and hash, threshold, design,
weighting, time, number of responses). Its rows (:class:`ResultEstimate`) are
exactly the published table of :func:`analysis.pipeline.analyse`: suppressed
rows carry no figure, and a check constraint makes the database refuse one.

A draft is replaced by a newer computation; a released set is frozen, because
two releases of one wave that differ by a few answers reveal those pupils by
subtraction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (Boolean, CheckConstraint, DateTime, Float, ForeignKey, Integer, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models._types import one_of

RESULT_STATES = ("draft", "released")
WEIGHTINGS = ("enrolment", "none")
#: How the respondents were modelled (design.md section 5).
DESIGNS = ("census", "schools", "classes")
#: Groupings a result set may hold; ``district`` is where the pupil lives.
GROUPINGS = ("district", "school", "municipality")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ResultSet(db.Model):
    """One computation of a wave's results, with its provenance."""

    __tablename__ = "result_set"
    __table_args__ = (
        one_of("state", RESULT_STATES, "state_valid"),
        one_of("weighting", WEIGHTINGS, "weighting_valid"),
        one_of("design", DESIGNS, "design_valid"),
        CheckConstraint("(state = 'released') = (released_at IS NOT NULL)",
                        name="released_has_time"),
        CheckConstraint("min_group_size >= 1", name="threshold_positive"),
        CheckConstraint("responses >= 0", name="responses_not_negative"),
        CheckConstraint("length(questionnaire_hash) = 64", name="hash_is_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="RESTRICT"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    computed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    released_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    released_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    questionnaire_id: Mapped[str] = mapped_column(String(63))
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    questionnaire_hash: Mapped[str] = mapped_column(String(64))
    min_group_size: Mapped[int]
    design: Mapped[str] = mapped_column(String(10))
    weighting: Mapped[str] = mapped_column(String(10))
    #: Submitted responses the results were computed from.
    responses: Mapped[int]
    #: JSON: weighting report (collapsed cells, cells without respondents) and similar notes.
    notes: Mapped[str | None] = mapped_column(Text)
    #: JSON: the responses counted (database ids) with their groups, so that a later
    #: release of the wave can be protected against differencing with this one
    #: (``survey_app.services.results_counted``).
    counted: Mapped[str | None] = mapped_column(Text)
    #: JSON: every scale's Cronbach's alpha and McDonald's omega, overall and per language
    #: (groups below the threshold left out), computed with the estimates from the same
    #: answers (``survey_app.services.results_reliability``).
    reliability: Mapped[str | None] = mapped_column(Text)

    wave: Mapped["Wave"] = relationship()  # noqa: F821
    estimates: Mapped[list["ResultEstimate"]] = relationship(
        back_populates="result_set", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def shown_responses(self) -> int:
        """The number of responses planners are told the results come from.

        A later release of a wave that differs from an earlier one by fewer
        pupils than the threshold says the earlier release's number
        (:func:`survey_app.services.results.responses_to_show`): the exact
        one would be how many came or went. Every figure those pupils
        changed is hidden, so the published figures come from that number.
        """
        import json

        shown = json.loads(self.notes or "{}").get("responses_shown")
        return self.responses if shown is None else int(shown)

    @property
    def few_later_responses(self) -> bool:
        """Whether :attr:`shown_responses` leaves out a few later (or withdrawn) responses."""
        return self.shown_responses != self.responses


class ResultEstimate(db.Model):
    """One published figure: a measure of a group, compared with its municipality.

    ``municipality_id`` is the area whose total the group is compared with
    (the "city"); ``group_key`` is the group's label in the analysis (a
    district's code, ``all`` for the municipality total, ``dont_know``), and
    ``district_id`` / ``school_id`` link the group to its record where there
    is one. ``measure`` is a scale id (statistic ``mean``) or
    ``<category or index>=<level>`` (statistic ``share``).
    """

    __tablename__ = "result_estimate"
    __table_args__ = (
        UniqueConstraint("result_set_id", "municipality_id", "group_var", "group_key",
                         "measure", name="uq_result_estimate_figure"),
        one_of("group_var", GROUPINGS, "group_var_valid"),
        one_of("statistic", ("mean", "share"), "statistic_valid"),
        CheckConstraint("NOT suppressed OR (estimate IS NULL AND se IS NULL AND ci_low IS NULL "
                        "AND ci_high IS NULL AND diff_city IS NULL AND p_value IS NULL "
                        "AND p_adjusted IS NULL AND sae_estimate IS NULL AND sae_rmse IS NULL)",
                        name="suppressed_has_no_figure"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_set_id: Mapped[int] = mapped_column(
        ForeignKey("result_set.id", ondelete="CASCADE"), index=True)
    #: The area compared with; ``None`` for rows of a whole region (region waves).
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True)
    group_var: Mapped[str] = mapped_column(String(20))
    group_key: Mapped[str] = mapped_column(String(160))
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("district.id", ondelete="SET NULL"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="SET NULL"))
    measure: Mapped[str] = mapped_column(String(127))
    statistic: Mapped[str] = mapped_column(String(8))
    n: Mapped[int | None] = mapped_column(Integer)
    estimate: Mapped[float | None] = mapped_column(Float)
    se: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    suppressed: Mapped[bool] = mapped_column(Boolean)
    suppression_reason: Mapped[str | None] = mapped_column(String(60))
    diff_city: Mapped[float | None] = mapped_column(Float)
    p_value: Mapped[float | None] = mapped_column(Float)
    p_adjusted: Mapped[float | None] = mapped_column(Float)
    df: Mapped[float | None] = mapped_column(Float)
    sae_estimate: Mapped[float | None] = mapped_column(Float)
    sae_rmse: Mapped[float | None] = mapped_column(Float)
    sae_shrinkage: Mapped[float | None] = mapped_column(Float)
    low_precision: Mapped[bool] = mapped_column(Boolean, default=False)

    result_set: Mapped[ResultSet] = relationship(back_populates="estimates")
    district: Mapped["District | None"] = relationship()  # noqa: F821
