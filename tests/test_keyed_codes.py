"""Access codes are stored as a keyed hash, with a migration for old rows (issue 12, finding 7)."""

from __future__ import annotations

import hashlib
import os
import stat

from alembic.script import ScriptDirectory
from flask_migrate import stamp, upgrade
from sqlalchemy import MetaData, select, update

from survey_app import MIGRATIONS_DIR
from survey_app.config import build_config
from survey_app.extensions import db
from survey_app.models import AccessCode
from survey_app.services.access_codes import code_hash, find_code, rehash_legacy
from tests.conftest import make_app
from tests.databases import fresh_database_url
from tests.factories import small_city
from tests.pupil.helpers import Pupil, address

#: The data migration that turns plain SHA-256 code hashes into keyed ones.
KEY_MIGRATION = "security_0001"


def plain_sha256(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").encode("ascii")).hexdigest()


def test_the_database_holds_neither_the_codes_nor_their_plain_hashes(app):
    with app.app_context():
        city = small_city(codes=5)
        stored = set(db.session.scalars(select(AccessCode.code_hash)))
        everything = []
        metadata = MetaData()
        metadata.reflect(bind=db.engine)
        for table in metadata.sorted_tables:
            everything += [str(v) for row in db.session.execute(select(table)) for v in row]
        key = app.config["ACCESS_CODE_KEY"]
    text = " ".join(everything)
    for code in city.codes:
        assert plain_sha256(code) not in stored
        assert code.replace("-", "") not in text and code not in text
        assert code_hash(code, key=key) in stored
        assert code_hash(code, key="another key " + "x" * 30) not in stored
    assert key not in text and app.config["SECRET_KEY"] not in text


def test_the_key_is_generated_once_outside_the_database_or_comes_from_the_environment(
        monkeypatch, tmp_path):
    monkeypatch.delenv("ACCESS_CODE_KEY", raising=False)
    first = build_config(str(tmp_path), {"SECRET_KEY": "s" * 40})["ACCESS_CODE_KEY"]
    again = build_config(str(tmp_path), {"SECRET_KEY": "s" * 40})["ACCESS_CODE_KEY"]
    assert first == again and len(first) >= 32
    path = tmp_path / "access_code_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert first != build_config(str(tmp_path), {})["SECRET_KEY"]  # not the session key
    monkeypatch.setenv("ACCESS_CODE_KEY", "e" * 40)
    assert build_config(str(tmp_path), {"SECRET_KEY": "s" * 40})["ACCESS_CODE_KEY"] == "e" * 40


def test_codes_stored_as_plain_sha256_keep_working_after_the_migration(backend, request,
                                                                       tmp_path):
    app = make_app(fresh_database_url(backend, request, tmp_path), tmp_path / "instance")
    with app.app_context():
        # A database of the version before the key: codes stored as plain SHA-256, and
        # the migration history just before the key's data migration. (The schema is
        # today's, so that later schema changes do not break this test.)
        upgrade()
        city = small_city(codes=3)
        for code in city.codes:  # as the old version stored them
            db.session.execute(update(AccessCode)
                               .where(AccessCode.code_hash == code_hash(code))
                               .values(code_hash=plain_sha256(code)))
        db.session.commit()
        assert find_code(db.session, city.codes[0]) is None  # not readable before migrating
        stamp(revision=ScriptDirectory(MIGRATIONS_DIR).get_revision(KEY_MIGRATION).down_revision)
        upgrade(revision=KEY_MIGRATION)
        stamp()  # the later migrations are in the schema already
        stored = set(db.session.scalars(select(AccessCode.code_hash)))
        assert not any(plain_sha256(code) in stored for code in city.codes)
        assert all(find_code(db.session, code) is not None for code in city.codes)
        with db.engine.begin() as connection:
            assert rehash_legacy(connection, app.config["ACCESS_CODE_KEY"]) == 0  # idempotent
        db.session.remove()
    page = Pupil(app.test_client()).start(city.codes[1])
    assert address(page) == "/survey/assent"
    with app.app_context():
        db.engine.dispose()
