"""The benchmark's databases: a fresh one per run, seeded, then checked against what pupils were told.

Part of ``bench/web.py``. The seeding and the check run as subprocesses of the
project's Python (the same code and settings ``wellbeing serve`` uses).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from bench.web_server import WELLBEING

ADMIN_URL = os.environ.get("WELLBEING_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def create_database(kind: str, folder: Path) -> str:
    """A fresh, empty database; returns its URL."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite'}"
    import psycopg

    name = f"wb_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def seed(env: dict, count: int) -> list[str]:
    """Migrate with ``wellbeing db upgrade`` and create the demo city with ``count`` codes."""
    subprocess.run([WELLBEING, "db", "upgrade"], env=env, check=True, capture_output=True,
                   timeout=300)
    script = (
        "import json, sys\n"
        "from analysis.questionnaire import load\n"
        "from questionnaires import SHIPPED\n"
        "from survey_app import create_app\n"
        "from survey_app.demo.seed import ensure_demo_city\n"
        "from survey_app.extensions import db\n"
        "from survey_app.models import SchoolClass\n"
        "from survey_app.services.access_codes import generate_codes\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    city = ensure_demo_city(db.session, load(SHIPPED))\n"
        "    classes = list(db.session.scalars(db.select(SchoolClass).where(\n"
        "        SchoolClass.wave_id == city.wave.id).order_by(SchoolClass.id)))\n"
        "    count, codes, n = int(sys.argv[1]), [], len(classes)\n"
        "    for index, school_class in enumerate(classes):\n"
        "        size = count // n + (1 if index < count % n else 0)\n"
        "        while size > 0:\n"
        "            batch = min(size, 1000)\n"
        "            codes += generate_codes(db.session, school_class, batch)\n"
        "            size -= batch\n"
        "    db.session.commit()\n"
        "    print(json.dumps(codes))\n")
    result = subprocess.run([sys.executable, "-c", script, str(count)], env=env, check=True,
                            capture_output=True, text=True, timeout=600)
    return json.loads(result.stdout.strip().splitlines()[-1])


def verify(url: str, records: list, env: dict) -> dict:
    """Compare stored with acknowledged answers; check the database's integrity."""
    script = (
        "import json, sys\n"
        "from sqlalchemy import create_engine, text\n"
        "from survey_app import create_app\n"
        "from survey_app.config import database_url\n"
        "from survey_app.services.access_codes import code_hash\n"
        "records = json.load(sys.stdin)\n"
        "with create_app().app_context():  # codes are stored keyed with the app's key\n"
        "    hashes = {code_hash(r['code']): r for r in records}\n"
        "engine = create_engine(database_url(sys.argv[1], '.'))\n"
        "out = {'lost': 0, 'changed': 0, 'extra': 0, 'duplicated': 0, 'submits_missing': 0,\n"
        "       'integrity': []}\n"
        "with engine.connect() as c:\n"
        "    rows = c.execute(text('SELECT a.code_hash, r.id, r.status FROM access_code a '\n"
        "                          'JOIN response r ON r.access_code_id = a.id')).all()\n"
        "    by_hash = {}\n"
        "    for h, rid, status in rows:\n"
        "        by_hash.setdefault(h, []).append((rid, status))\n"
        "    out['duplicated'] += sum(len(v) - 1 for v in by_hash.values())\n"
        "    stored = {}\n"
        "    for rid, item, value in c.execute(text(\n"
        "            'SELECT response_id, item_code, value FROM answer')):\n"
        "        stored.setdefault(rid, {}).setdefault(item, []).append(value)\n"
        "    out['duplicated'] += sum(len(v) - 1 for s in stored.values() for v in s.values())\n"
        "    for h, r in hashes.items():\n"
        "        found = by_hash.get(h, [])\n"
        "        answers = stored.get(found[0][0], {}) if found else {}\n"
        "        for item, value in r['answers'].items():\n"
        "            if item not in answers: out['lost'] += 1\n"
        "            elif answers[item][-1] != value: out['changed'] += 1\n"
        "        out['extra'] += len(set(answers) - set(r['answers']))\n"
        "        if r['submitted'] and not (found and found[0][1] == 'submitted'):\n"
        "            out['submits_missing'] += 1\n"
        "    if c.dialect.name == 'sqlite':\n"
        "        check = c.exec_driver_sql('PRAGMA integrity_check').scalar()\n"
        "        if check != 'ok': out['integrity'].append(check)\n"
        "        out['integrity'] += [str(x) for x in c.exec_driver_sql('PRAGMA foreign_key_check')]\n"
        "        out['integrity_checks'] = 'integrity_check, foreign_key_check'\n"
        "    else:\n"
        "        c.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS amcheck')\n"
        "        indexes = c.exec_driver_sql(\"SELECT i.indexrelid::regclass::text FROM pg_index i \"\n"
        "            \"JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = \"\n"
        "            \"t.relnamespace WHERE n.nspname = 'public'\").scalars().all()\n"
        "        for index in indexes:\n"
        "            c.exec_driver_sql(f\"SELECT bt_index_check('{index}'::regclass, true)\")\n"
        "        orphans = c.exec_driver_sql('SELECT count(*) FROM answer a LEFT JOIN response r '\n"
        "                                    'ON r.id = a.response_id WHERE r.id IS NULL').scalar()\n"
        "        if orphans: out['integrity'].append(f'{orphans} orphan answers')\n"
        "        out['integrity_checks'] = f'amcheck bt_index_check of {len(indexes)} indexes'\n"
        "        c.commit()\n"
        "    out['stored_answers'] = sum(len(s) for s in stored.values())\n"
        "print(json.dumps(out))\n")
    payload = json.dumps([{"code": r.code, "answers": r.answers, "submitted": r.submitted}
                          for r in records])
    result = subprocess.run([sys.executable, "-c", script, url], env=env, input=payload,
                            capture_output=True, text=True, timeout=600)
    if result.returncode:
        raise RuntimeError(f"the check failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])
