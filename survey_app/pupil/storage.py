"""Writing answers safely when many pupils (or one pupil's two tabs) save at once.

Two mechanisms work together:

* :func:`lock_for_writing` makes a write transaction start as a writer. On
  SQLite a deferred transaction that reads and then writes cannot wait for
  another writer (upgrading its lock fails at once with "database is locked",
  whatever ``busy_timeout`` says), so the write path opens its transaction
  with ``BEGIN IMMEDIATE``, which waits its turn. On PostgreSQL the row being
  changed (a response or an access code) is locked with ``SELECT ... FOR
  UPDATE``, so two saves of one response run one after the other.
  Within one server process the SQLite writers also queue on a lock of the
  process (:data:`_SQLITE_WRITER`), so only one thread per process polls for
  the database's lock: SQLite's busy handler is not fair, and with every
  thread of every worker polling, a writer could wait past ``busy_timeout``
  under load ("database is locked" in the benchmark, issue 12).
* :func:`upsert_answers` inserts or updates each answer in one statement
  (``ON CONFLICT (response_id, item_code) DO UPDATE``), so even without the
  lock a repeated save overwrites and never duplicates.
"""

from __future__ import annotations

import threading
from typing import Mapping

from sqlalchemy import Integer, Text, bindparam, delete, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.pool import Pool

from survey_app.models import Answer, Response

#: One SQLite writer per process at a time; held from ``BEGIN IMMEDIATE`` to commit or rollback.
_SQLITE_WRITER = threading.Lock()
_HOLDS = "survey_app.sqlite_writer"
#: Never wait longer than SQLite itself would (``busy_timeout``); then try as before.
_QUEUE_SECONDS = 10


def lock_for_writing(session: Session) -> None:
    """Start the session's transaction as a writer (SQLite: ``BEGIN IMMEDIATE``).

    Call before the first query of a write path. Harmless on PostgreSQL, where
    row locks (``with_for_update``) do the job.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    if not raw.in_transaction:
        # The wait is bounded: a thread that already writes on another connection
        # cannot block itself for ever, it only loses its place in the queue.
        held = _SQLITE_WRITER.acquire(timeout=_QUEUE_SECONDS)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if held:
                _SQLITE_WRITER.release()
            raise
        connection.info[_HOLDS] = held


def _release(info: dict) -> None:
    if info.pop(_HOLDS, False):
        _SQLITE_WRITER.release()


@event.listens_for(Engine, "commit")
def _after_commit(connection) -> None:
    _release(connection.info)


@event.listens_for(Engine, "rollback")
def _after_rollback(connection) -> None:
    _release(connection.info)


@event.listens_for(Pool, "checkin")
def _on_checkin(_dbapi_connection, record) -> None:
    """Backstop: a connection going back to the pool never keeps the writer's place."""
    if record is not None:
        _release(record.info)


#: The statements of the answer table are built once (building a statement costs more
#: Python than running its cached compiled form) on the table, not the mapped class, and
#: run on the session's connection: no ORM handling of rows that are plain values
#: (a fifth of a save's statement cost on PostgreSQL, issue 12).
_TABLE = Answer.__table__
_ANSWERS = select(_TABLE.c.item_code, _TABLE.c.value).where(
    _TABLE.c.response_id == bindparam("response_id"))


def stored_answers(session: Session, response_id: int) -> dict[str, str]:
    """``{item code: value}`` of every stored answer of a response."""
    rows = session.connection().execute(_ANSWERS, {"response_id": response_id})
    return {code: value for code, value in rows}


def _upsert(insert):
    statement = insert(_TABLE)
    return statement.on_conflict_do_update(
        index_elements=["response_id", "item_code"],
        set_={"value": statement.excluded.value},
    )


#: SQLite: one single-row upsert, run with all of a page's answers as parameter sets
#: (executemany): its compiled form is cached, where a multi-row VALUES statement of
#: varying length was compiled anew on every save (a tenth of a save's Python, issue 12).
_UPSERT_ROWS = _upsert(sqlite.insert)
#: PostgreSQL: one statement for all of a page's answers, which arrive as two arrays
#: (``unnest``): a single round trip of one cached statement, where executemany sent
#: and prepared one per answer (a tenth of a page save's server time, issue 12).
_PAIRS = func.unnest(bindparam("codes", type_=postgresql.ARRAY(Text)),
                     bindparam("values", type_=postgresql.ARRAY(Text))
                     ).table_valued("item_code", "value").render_derived()
_UPSERT_ARRAYS = (
    postgresql.insert(_TABLE)
    .from_select(["response_id", "item_code", "value"],
                 select(bindparam("response_id", type_=Integer), _PAIRS.c.item_code,
                        _PAIRS.c.value))
)
_UPSERT_ARRAYS = _UPSERT_ARRAYS.on_conflict_do_update(
    index_elements=["response_id", "item_code"],
    set_={"value": _UPSERT_ARRAYS.excluded.value},
)


def upsert_answers(session: Session, response_id: int, values: Mapping[str, str]) -> None:
    """Insert or overwrite the answers ``{item code: value}`` of a response.

    The rows go in item-code order, so two saves of one response touch them
    in the same order.
    """
    if not values:
        return
    connection = session.connection()
    dialect = connection.dialect.name
    ordered = sorted(values.items())
    if dialect == "postgresql":
        connection.execute(_UPSERT_ARRAYS, {"response_id": response_id,
                                            "codes": [code for code, _ in ordered],
                                            "values": [value for _, value in ordered]})
    elif dialect == "sqlite":
        connection.execute(_UPSERT_ROWS, [
            {"response_id": response_id, "item_code": code, "value": value}
            for code, value in ordered])
    else:
        raise NotImplementedError(f"answers cannot be saved on {dialect}")


#: The response's progress and language, set in one statement (see record_progress).
_PROGRESS = (update(Response.__table__).where(Response.__table__.c.id == bindparam("row_id"))
             .values(furthest_page=bindparam("furthest_page"), language=bindparam("language")))


def record_progress(session: Session, response: Response, furthest_page: int,
                    language: str) -> None:
    """Store how far the pupil got and their language, if either changed.

    One UPDATE statement (its compiled form cached) instead of the ORM's
    flush of the changed object, which cost a page save more Python than
    the statement itself; the loaded object is told the values as stored,
    so that the page shown next and the commit see them.
    """
    if (furthest_page, language) == (response.furthest_page, response.language):
        return
    session.connection().execute(_PROGRESS, {"row_id": response.id,
                                             "furthest_page": furthest_page,
                                             "language": language})
    set_committed_value(response, "furthest_page", furthest_page)
    set_committed_value(response, "language", language)


_DELETE = delete(_TABLE).where(_TABLE.c.response_id == bindparam("response_id"),
                               _TABLE.c.item_code.in_(bindparam("codes", expanding=True)))


def delete_answers(session: Session, response_id: int, codes) -> None:
    """Remove the answers to ``codes`` (cleared by the pupil, or now hidden)."""
    codes = sorted(set(codes))
    if codes:
        session.connection().execute(_DELETE, {"response_id": response_id, "codes": codes})


def commit_keeping_loaded(session: Session) -> None:
    """Commit without expiring the rows loaded in this transaction.

    After a page save the next page is rendered from the response and wave
    just locked and written: expired, each would be read again (a query per
    row, on every save). What they hold is what was committed. ``session``
    is the request's :class:`Session` itself (``db.session()``), not the
    scoped proxy, on which the setting would not reach the session.
    """
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring
