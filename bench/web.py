"""Benchmark: virtual pupils through the real HTTP flow against ``wellbeing serve`` (issue 12).

For each database (PostgreSQL, SQLite) this sets up a fresh database with the
shipped questionnaire's demo city, starts ``wellbeing serve`` (gunicorn, Redis
for the rate limits) on a free loopback port and then

1. measures a *bare endpoint* of the same stack (a small static file served by
   the same app and workers) with the same number of concurrent clients;
2. lets N virtual pupils take the whole survey at once (start with a code,
   assent, every page, submit; no think time unless ``--think``) and prints page saves/s,
   p50/p95/p99 of a page save and of showing a page, and the ratio of saves/s
   to the bare endpoint's requests/s;
3. with ``--crash``: kills the whole server (master and workers) with SIGKILL
   ``--kills`` times during that load, restarting it each time; pupils retry
   what went unanswered and finish;
4. checks that the stored answers equal the acknowledged answers exactly
   (0 lost, 0 duplicated), that every acknowledged submit is stored, and the
   database's integrity (SQLite ``integrity_check`` and ``foreign_key_check``;
   PostgreSQL ``amcheck`` of every index), and counts "database is locked";
5. prints each worker's resident memory after every round of pupils
   (``--rounds``), to see whether it stays flat.

Targets (issue 12, 2-core machine): PostgreSQL >= 300 saves/s with p99 <= 250 ms
at 200 pupils and >= 40 % of the bare endpoint; SQLite >= 100 saves/s with 0
"database is locked"; always 0 lost and 0 duplicated answers.

Everything runs on 127.0.0.1; every loop is bounded in count and in time.

Run: ``python bench/web.py [--pupils 200] [--databases postgresql,sqlite] [--crash]
[--kills 20] [--rounds 1] [--workers W] [--time-limit 900]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_pupil import Browser, SurveyPupil, Unanswered, Unexpected  # noqa: E402

WELLBEING = str(Path(sys.executable).with_name("wellbeing"))
ADMIN_URL = os.environ.get("WELLBEING_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("WELLBEING_BENCH_REDIS", "redis://127.0.0.1:6379/12")
BARE_PATH = "/static/survey.css"
HOST = "127.0.0.1"


# ----------------------------------------------------------------- databases

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
        "from survey_app.config import database_url\n"
        "from survey_app.services.access_codes import code_hash\n"
        "records = json.load(sys.stdin)\n"
        "engine = create_engine(database_url(sys.argv[1], '.'))\n"
        "out = {'lost': 0, 'changed': 0, 'extra': 0, 'duplicated': 0, 'submits_missing': 0,\n"
        "       'integrity': []}\n"
        "with engine.connect() as c:\n"
        "    hashes = {code_hash(r['code']): r for r in records}\n"
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
                            check=True, capture_output=True, text=True, timeout=600)
    return json.loads(result.stdout)


# -------------------------------------------------------------------- server

class Server:
    """``wellbeing serve`` in its own process group, killed and restarted on demand."""

    def __init__(self, env: dict, port: int, workers: int, folder: Path) -> None:
        self.env, self.port, self.workers, self.folder = env, port, workers, folder
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 120) -> float:
        """Start and wait until /healthz answers 200; returns the seconds that took."""
        began = time.monotonic()
        self.starts += 1
        with open(self.folder / "server.log", "a") as err, \
                open(self.folder / "access.log", "a") as out:
            self.process = subprocess.Popen(
                [WELLBEING, "serve", "--host", HOST, "--port", str(self.port),
                 "--workers", str(self.workers)],
                env=self.env, stdout=out, stderr=err, start_new_session=True)
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError("server exited; see " + str(self.folder / "server.log"))
            try:
                status, _, _ = Browser(self.base, timeout=5).request("GET", "/healthz")
                if status == 200:
                    return time.monotonic() - began
            except Unanswered:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not become healthy in time")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a crash or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process (MiB), from /proc."""
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
            if fields.get("PPid", "").strip() == str(self.process.pid):
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sorted(sizes)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------------ clients

def _bare_client(base: str, stop_at: float, counts: list) -> None:
    browser, done = Browser(base, timeout=10), 0
    while time.monotonic() < stop_at:
        try:
            status, _, _ = browser.request("GET", BARE_PATH)
        except Unanswered:
            continue
        if status == 200:
            done += 1
    browser.close()
    counts.append(done)


def _bare_process(base: str, clients: int, seconds: float, queue) -> None:
    counts: list[int] = []
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=_bare_client, args=(base, stop_at, counts))
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(sum(counts))


def _pupil_process(base: str, codes: list[tuple[int, str]], deadline_in: float, think: float,
                   queue) -> None:
    deadline = time.monotonic() + deadline_in

    def one(item):
        seed, code = item
        pupil = SurveyPupil(base, code, seed=seed, think=think, deadline=deadline,
                            max_retries=100_000)
        try:
            return pupil.take_survey(), None
        except (Unanswered, Unexpected) as error:
            return pupil.record, f"{type(error).__name__}: {error}"

    with ThreadPoolExecutor(max_workers=len(codes)) as pool:
        queue.put(list(pool.map(one, codes)))


def run_clients(target, args_per_process: list[tuple]) -> list:
    """Run ``target`` in several client processes (the client needs more than one core's GIL)."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=target, args=(*args, queue)) for args in args_per_process]
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return results


def split(items: list, parts: int) -> list[list]:
    return [items[index::parts] for index in range(parts) if items[index::parts]]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


# --------------------------------------------------------------------- runs

def run_database(kind: str, options) -> dict:
    """Set up, measure and verify one database; returns the figures."""
    folder = Path(tempfile.mkdtemp(prefix=f"wb-bench-{kind}-"))
    url = create_database(kind, folder)
    prefix = f"wb-bench-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("RATELIMIT_", "SURVEY_", "DATABASE_URL", "SECRET_KEY"))}
    env.update({"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
                "WELLBEING_INSTANCE": str(folder / "instance"),
                "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
                "SURVEY_BASE_URL": f"http://{HOST}:{port}/"})
    server = Server(env, port, options.workers, folder)
    figures: dict = {"database": kind, "pupils": options.pupils, "workers": options.workers}
    try:
        codes = seed(env, options.pupils * options.rounds)
        figures["first_start_s"] = round(server.start(), 2)
        clients = min(options.pupils, 200)
        processes = max(1, options.client_processes)
        bare = run_clients(_bare_process, [(server.base, len(chunk), options.bare_seconds)
                                           for chunk in split(list(range(clients)), processes)])
        figures["bare_rps"] = round(sum(bare) / options.bare_seconds, 1)
        records, errors, saves, views, elapsed = [], [], [], [], 0.0
        figures["rss_mb"] = [("before pupils", server.worker_rss_mb())]
        restarts: list[float] = []
        for round_index in range(options.rounds):
            batch = list(enumerate(codes[round_index * options.pupils:
                                         (round_index + 1) * options.pupils],
                                   start=round_index * options.pupils))
            killer = None
            if options.crash and round_index == 0:
                killer = threading.Thread(target=_kill_repeatedly,
                                          args=(server, options.kills, restarts))
            began = time.monotonic()
            if killer:
                killer.start()
            results = run_clients(_pupil_process, [(server.base, chunk, options.time_limit,
                                                    options.think)
                                                   for chunk in split(batch, processes)])
            elapsed += time.monotonic() - began
            if killer:
                killer.join()
            for chunk in results:
                for record, error in chunk:
                    records.append(record)
                    saves += record.saves
                    views += record.views
                    if error:
                        errors.append(error)
            figures["rss_mb"].append((f"after {len(records)} pupils", server.worker_rss_mb()))
        server.stop()
        log = (folder / "server.log").read_text(errors="replace")
        figures.update({
            "saves": len(saves), "load_seconds": round(elapsed, 1),
            "saves_per_s": round(len(saves) / elapsed, 1) if elapsed else 0.0,
            "save_p50_ms": round(percentile(saves, 50) * 1000, 1),
            "save_p95_ms": round(percentile(saves, 95) * 1000, 1),
            "save_p99_ms": round(percentile(saves, 99) * 1000, 1),
            "view_p50_ms": round(percentile(views, 50) * 1000, 1),
            "view_p99_ms": round(percentile(views, 99) * 1000, 1),
            "submitted": sum(r.submitted for r in records),
            "unfinished": len(records) - sum(r.submitted for r in records),
            "errors": errors[:5], "error_count": len(errors),
            "retries": sum(r.retries for r in records),
            "kills": len(restarts),
            "restart_s_median": round(statistics.median(restarts), 2) if restarts else None,
            "database_is_locked": log.count("database is locked"),
            "server_errors_5xx": sum(1 for line in (folder / "access.log").read_text(
                errors="replace").splitlines() if '"status": 5' in line),
        })
        figures["ratio_to_bare"] = round(figures["saves_per_s"] / figures["bare_rps"], 3) \
            if figures["bare_rps"] else None
        figures["check"] = verify(url, records, env)
    finally:
        server.stop()
        _forget_redis_keys(prefix)
        if not options.keep:
            drop_database(url)
    return figures


def _kill_repeatedly(server: Server, kills: int, restarts: list[float]) -> None:
    """SIGKILL the whole server ``kills`` times, restarting it after each kill."""
    time.sleep(1.0)
    for _ in range(kills):
        server.kill()
        restarts.append(server.start())
        time.sleep(0.5 + secrets.randbelow(1000) / 1000)


def _forget_redis_keys(prefix: str) -> None:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        for key in client.scan_iter(f"*/{prefix}/*"):
            client.delete(key)
        client.close()
    except Exception:  # noqa: BLE001 (cleanup only)
        pass


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def report(figures: dict, options) -> None:
    f = figures
    print(f"\n== {f['database']}: {f['pupils']} pupils x {options.rounds} round(s), "
          f"{f['workers']} workers, think time {options.think} s ==")
    print(f"first start to healthy: {f['first_start_s']} s")
    print(f"bare endpoint ({BARE_PATH}): {f['bare_rps']} requests/s")
    print(f"page saves: {f['saves']} in {f['load_seconds']} s = {f['saves_per_s']} saves/s "
          f"(ratio to bare: {f['ratio_to_bare']})")
    print(f"page save latency: p50 {f['save_p50_ms']} ms, p95 {f['save_p95_ms']} ms, "
          f"p99 {f['save_p99_ms']} ms; showing a page: p50 {f['view_p50_ms']} ms, "
          f"p99 {f['view_p99_ms']} ms")
    print(f"submitted {f['submitted']}, unfinished {f['unfinished']}, client errors "
          f"{f['error_count']} {f['errors']}, retries {f['retries']}, 5xx {f['server_errors_5xx']}")
    if options.crash:
        print(f"SIGKILLs of the whole server: {f['kills']}, restart to healthy median "
              f"{f['restart_s_median']} s")
    print(f"'database is locked' in the server log: {f['database_is_locked']}")
    c = f["check"]
    print(f"acknowledged answers lost: {c['lost']}, changed: {c['changed']}, duplicated: "
          f"{c['duplicated']}, stored but never acknowledged: {c['extra']}, acknowledged "
          f"submits missing: {c['submits_missing']} ({c['stored_answers']} answers stored)")
    print(f"integrity ({c['integrity_checks']}): {'ok' if not c['integrity'] else c['integrity']}")
    for label, sizes in f["rss_mb"]:
        print(f"worker resident memory {label}: " + ", ".join(f"{s:.0f}" for s in sizes) + " MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1,
                        help="Run the pupils this many times (fresh codes), memory after each.")
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--bare-seconds", type=float, default=5.0)
    parser.add_argument("--think", type=float, default=0.0,
                        help="Seconds each pupil pauses before saving a page (0: full load).")
    parser.add_argument("--crash", action="store_true",
                        help="SIGKILL the server --kills times during the first round.")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=900.0,
                        help="Seconds a round may take before pupils give up.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark databases.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    options = parser.parse_args(argv)
    if not (1 <= options.pupils <= 5000 and 1 <= options.rounds <= 100
            and 0 <= options.kills <= 100):
        parser.error("pupils 1-5000, rounds 1-100, kills 0-100")
    print(f"machine: {machine()}")
    results = []
    for kind in options.databases.split(","):
        figures = run_database(kind.strip(), options)
        report(figures, options)
        results.append(figures)
    if options.json:
        options.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=1))
    failed = any(r["check"]["lost"] or r["check"]["changed"] or r["check"]["duplicated"]
                 or r["check"]["submits_missing"] or r["check"]["integrity"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
