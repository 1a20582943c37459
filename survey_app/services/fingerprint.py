"""A database's fingerprint: row counts of every table and a checksum of the answers.

Used to check that a restored backup holds exactly what was dumped
(docs/deployment.md): the fingerprint of the restored copy must equal that of
the original taken at the time of the dump. Row ids are part of the checksum,
so a restore that renumbered or dropped a single answer is caught.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.extensions import db
from survey_app.models import Answer, Response


def fingerprint(session: Session) -> dict:
    """``{"tables": {name: rows}, "answers_sha256": hex, "responses_sha256": hex}``."""
    tables = {table.name: session.scalar(select(func.count()).select_from(table))
              for table in db.metadata.sorted_tables}
    answers = hashlib.sha256()
    rows = session.execute(select(Answer.response_id, Answer.item_code, Answer.value)
                           .order_by(Answer.response_id, Answer.item_code)
                           .execution_options(yield_per=5000))
    for response_id, item_code, value in rows:
        answers.update(f"{response_id}\t{item_code}\t{value}\n".encode())
    responses = hashlib.sha256()
    rows = session.execute(select(Response.id, Response.wave_id, Response.class_id,
                                  Response.status, Response.started_on, Response.submitted_on)
                           .order_by(Response.id).execution_options(yield_per=5000))
    for row in rows:
        responses.update(("\t".join(str(value) for value in row) + "\n").encode())
    return {"tables": tables, "answers_sha256": answers.hexdigest(),
            "responses_sha256": responses.hexdigest()}
