"""Retention: a closed wave's raw answers are deleted once their export is archived.

What is deleted: every response of the wave and its answers (the pupil-level
data). What is kept: the wave, its schools and classes with their enrolment,
and the access codes' states, from which the response-rate history (slips
issued, started, submitted, voided per class) is counted; stored results and
reports made before are not touched. See docs/data-protection.md.

Deletion is refused while the wave is not closed, and unless the archived
export (``wellbeing export responses``) is shown to be complete: one row per
submitted response of the wave, at least as many rows of unsent questionnaires
(``submitted`` 0) as the default export writes (those that reached the last
page; those are deleted too), every row of this wave, and the same number of
answers per item of the submitted responses as the database holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from analysis.questionnaire import Questionnaire
from analysis.files import read_responses
from survey_app.models import Answer, Response, Wave
from survey_app.services import audit
from survey_app.services.frames import responses_frame


class RetentionRefused(Exception):
    """The wave's answers must not be deleted yet; the message says why."""


@dataclass(frozen=True)
class RetentionResult:
    """What was deleted, and which archive file it was checked against."""

    responses: int
    answers: int
    archive_sha256: str


def _answer_counts(session: Session, wave: Wave) -> dict[str, int]:
    """``{item code: answers}`` of the wave's submitted responses."""
    rows = session.execute(
        select(Answer.item_code, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(Response.wave_id == wave.id, Response.status == "submitted")
        .group_by(Answer.item_code))
    return {code: count for code, count in rows}


def check_archive(session: Session, wave: Wave, questionnaire: Questionnaire,
                  archive: Path) -> str:
    """Raise :class:`RetentionRefused` unless ``archive`` is the wave's complete export.

    Returns the file's SHA-256, recorded in the audit log so that the archived
    copy can be identified later.
    """
    try:
        frame = read_responses(archive, questionnaire)
    except ValueError as error:
        raise RetentionRefused(f"the archive is not a readable responses export: {error}") \
            from None
    if "submitted" in frame.columns:  # the export also holds unsent questionnaires
        sent = pd.to_numeric(frame["submitted"], errors="coerce") == 1
        _check_unsent(session, wave, questionnaire, archive, int((~sent).sum()))
        frame = frame[sent]
    else:
        _check_unsent(session, wave, questionnaire, archive, 0)
    submitted = session.scalar(select(func.count()).select_from(Response).where(
        Response.wave_id == wave.id, Response.status == "submitted"))
    if len(frame) != submitted:
        raise RetentionRefused(f"{archive.name} has {len(frame)} responses, the database "
                               f"{submitted} submitted ones of {wave.name!r}: export again")
    other = set(frame["wave"].dropna().astype(str)) - {wave.name}
    if other or frame["wave"].isna().any():
        raise RetentionRefused(f"{archive.name} holds rows that are not of {wave.name!r}")
    text_items = {item.code for item in questionnaire.items if item.type == "text"}
    for code, count in sorted(_answer_counts(session, wave).items()):
        if code in text_items and code not in frame.columns:
            continue  # free text is left out of exports by default
        archived = int(frame[code].notna().sum()) if code in frame.columns else 0
        if archived != count:
            raise RetentionRefused(f"{archive.name} has {archived} answers to {code!r}, the "
                                   f"database {count}: export again")
    return hashlib.sha256(archive.read_bytes()).hexdigest()


def _check_unsent(session: Session, wave: Wave, questionnaire: Questionnaire,
                  archive: Path, archived: int) -> None:
    """Refuse when the archive lacks unsent questionnaires that reached the last page.

    The default export writes them (``submitted`` 0); an archive made with
    ``--submitted-only`` or cut short would lose them when the wave is deleted.
    """
    expected = responses_frame(session, wave, questionnaire, min_progress=1.0)
    unsent = int((expected["submitted"] == 0).sum()) if len(expected) else 0
    if archived < unsent:
        raise RetentionRefused(
            f"{archive.name} has {archived} questionnaires that were not sent, the database "
            f"{unsent} that reached the last page of {wave.name!r}: export again without "
            "--submitted-only")


def delete_raw_answers(session: Session, wave: Wave, questionnaire: Questionnaire,
                       archive: Path) -> RetentionResult:
    """Delete the responses and answers of a closed wave whose export is archived; audited.

    Flushes; the caller commits. Running it again deletes nothing more.
    """
    if wave.state != "closed":
        raise RetentionRefused(f"wave {wave.name!r} is {wave.state}: close it first (answers "
                               "of an open wave are still being given)")
    digest = check_archive(session, wave, questionnaire, archive)
    response_ids = select(Response.id).where(Response.wave_id == wave.id)
    answers = session.execute(delete(Answer).where(Answer.response_id.in_(response_ids))
                              .execution_options(synchronize_session=False)).rowcount
    responses = session.execute(delete(Response).where(Response.wave_id == wave.id)
                                .execution_options(synchronize_session=False)).rowcount
    audit.record(session, None, "wave.retention", wave, responses_deleted=responses,
                 answers_deleted=answers, archive=archive.name, archive_sha256=digest)
    session.flush()
    return RetentionResult(responses, answers, digest)
