"""PostgreSQL backups restore completely: the procedure of docs/deployment.md, run (issue 12).

A dump made with ``pg_dump --format=custom`` is restored with ``pg_restore``
into a fresh database; row counts and the answers' checksum
(``wellbeing fingerprint``) must equal the original's, and the restored
database must be healthy (migrations current).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, select
from sqlalchemy.engine import make_url

from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.demo.responses import ensure_demo_responses
from survey_app.demo.seed import ensure_demo_city
from survey_app.extensions import db
from survey_app.models import Answer
from tests.conftest import TEST_SECRET, make_app
from tests.databases import create_postgres_database, drop_postgres_database, require_backend

WELLBEING = str(Path(sys.executable).with_name("wellbeing"))


def libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def fingerprint(url: str, tmp_path: Path) -> dict:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=TEST_SECRET,
               WELLBEING_INSTANCE=str(tmp_path / "instance"))
    result = subprocess.run([WELLBEING, "fingerprint"], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def two_databases():
    require_backend("postgresql")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.fail("pg_dump and pg_restore are needed (Debian: postgresql-client)")
    urls = [create_postgres_database(), create_postgres_database()]
    yield urls
    for url in urls:
        drop_postgres_database(url)


def test_a_dump_restores_into_a_fresh_database_with_identical_rows_and_answers(
        two_databases, tmp_path):
    original, restored = two_databases
    app = make_app(original, tmp_path / "instance")
    questionnaire = load(SHIPPED)
    with app.app_context():
        upgrade()
        city = ensure_demo_city(db.session, questionnaire)
        ensure_demo_responses(db.session, city.wave, questionnaire, city.first_class)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    before = fingerprint(original, tmp_path)
    assert before["tables"]["answer"] > 1000 and before["tables"]["response"] > 100

    dump = tmp_path / "wellbeing.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", libpq_url(original)],
                   check=True, timeout=300)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error",
                    f"--dbname={libpq_url(restored)}", str(dump)], check=True, timeout=300)

    after = fingerprint(restored, tmp_path)
    assert after == before
    restored_app = make_app(restored, tmp_path / "instance")
    health = restored_app.test_client().get("/healthz")
    assert health.status_code == 200 and health.json["migrations"] == "current"

    with restored_app.app_context():  # the checksum sees a single lost answer
        db.session.execute(delete(Answer).where(Answer.id == db.session.scalar(
            select(Answer.id).order_by(Answer.id.desc()).limit(1))))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    damaged = fingerprint(restored, tmp_path)
    assert damaged["answers_sha256"] != before["answers_sha256"]
    assert damaged["tables"]["answer"] == before["tables"]["answer"] - 1
