"""Profile one pupil page save and one page view through the whole Flask stack.

Not a benchmark of the server (that is ``bench/web.py``): this drives the app
in-process with Flask's test client, so that the time per request is the
app's own (form building, definition lookup, CSRF, session,
queries, template rendering) without network or WSGI server. It prints the
mean time per request of

* ``view``: GET of a questionnaire page (the shipped instrument, page 3),
* ``save``: POST of that page with every item answered and "Next", answered
  with the next page (a whole page save: before 2026-12-07 the save redirected
  and the browser then asked for the next page, a ``save`` plus a ``view``),
* ``bare``: GET of the pause page (a template, no database), as the floor,

(wall time, CPU time, Python function calls) and the ratio of each to ``bare``,
next to the same figures measured before the pupil path was trimmed (commit
``daeb314``, :data:`BEFORE`), then (``--profile``) cProfile's top functions by
cumulative time (``SORT=tottime`` to sort otherwise) for view and save.

Function calls do not depend on the machine's load, so they compare across
runs; milliseconds do not, hence the ratio to ``bare`` of this run.

Run: ``python bench/profile_page.py [--repeat N] [--page K] [--profile]``
(SQLite in a temporary folder; ``--postgresql`` for a fresh PostgreSQL database,
dropped afterwards; ``--database-url`` for an empty database of your own).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _ROOT / "bench"]
sys.path.insert(0, str(_ROOT))

from sqlalchemy import inspect  # noqa: E402

from analysis.questionnaire import load  # noqa: E402
from bench.web_database import create_database, drop_database  # noqa: E402
from questionnaires import SHIPPED  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.demo.seed import ensure_demo_city  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.services.access_codes import generate_codes  # noqa: E402

SORT = os.environ.get("SORT", "cumulative")
#: ``(ms CPU, function calls)`` per request of page 3 on SQLite before the pupil path was
#: trimmed (commit daeb314; this script, 2026-12-06, shared 2-core AMD EPYC, load ~4).
BEFORE = {"bare": (1.13, 4041), "view": (4.28, 19631), "save": (5.12, 8192)}
#: The same, page 3 on SQLite at commit f13bb45 (after the second trim; the save redirected):
#: a whole page save was a save and a view. Measured 2026-12-07 05:21 UTC on this machine.
REDIRECTED = {"bare": (1.29, 3724), "view": (3.75, 7252), "save": (5.55, 6331)}
_HIDDEN = re.compile(r'name="(csrf_token|response_token|page_id)" type="hidden" value="([^"]*)"')


def answer_for(item, district_ids):
    """A valid answer for ``item`` (first option, minimum, a short text)."""
    if item.type == "number":
        return str(item.min if item.min is not None else 1)
    if item.type == "text":
        return "Fußball"
    if item.type == "wave_list":
        return str(district_ids[0])
    return None  # choice items: filled from the rendered form


def setup(database_url: str | None, folder: Path):
    config = {"INSTANCE_PATH": str(folder / "instance"), "SECRET_KEY": "p" * 40,
              "RATELIMIT_STORAGE_URI": "memory://"}
    config["SQLALCHEMY_DATABASE_URI"] = database_url or f"sqlite:///{folder / 'profile.sqlite'}"
    app = create_app(config)
    with app.app_context():
        if inspect(db.engine).get_table_names():
            raise SystemExit(f"{config['SQLALCHEMY_DATABASE_URI']} is not empty: give an empty "
                             "database, or --postgresql for a fresh one")
        db.create_all()
        demo = ensure_demo_city(db.session, load(SHIPPED))
        codes = generate_codes(db.session, demo.first_class, 12)
        db.session.commit()
    return app, codes


def page_post_data(html: str, last: bool = False) -> dict[str, str]:
    """The hidden fields and, for each question, its first (or ``last``) offered answer."""
    data = dict(_HIDDEN.findall(html))
    for name in dict.fromkeys(re.findall(r'<input type="radio" id="[^"]+" name="(q_[^"]+)"', html)):
        data[name] = re.findall(rf'name="{name}" value="([^"]+)"', html)[-1 if last else 0]
    for name in re.findall(r'<input type="number"[^>]*name="(q_[^"]+)"', html):
        data[name] = re.search(rf'name="{name}"[^>]*min="(\d+)"', html).group(1) \
            if re.search(rf'name="{name}"[^>]*min="(\d+)"', html) else "6"
    for name in re.findall(r'<textarea id="[^"]+" name="(q_[^"]+)"', html):
        data[name] = "Fußball"
    for name in re.findall(r'<select id="[^"]+" name="(q_[^"]+)"', html):
        data[name] = "dont_know"
    data["action"] = "next"
    return data


def timed(call, repeat: int, batches: int = 10) -> tuple[float, float, float]:
    """Per call: wall time, CPU time of this process, Python function calls.

    The times are the fastest of ``batches`` batches' means, which is what
    the code costs when nothing else competes for the machine (a shared
    machine otherwise adds noise several times the differences looked for);
    CPU time leaves out waiting for the disk (SQLite syncs every commit).
    The count of Python function calls (cProfile) does not depend on load.
    """
    call()  # warm
    size = max(1, repeat // batches)
    walls, cpus = [], []
    for _ in range(batches):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(size):
            call()
        walls.append((time.perf_counter() - start) / size)
        cpus.append((time.process_time() - cpu) / size)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        call()
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls / 10
    return min(walls), min(cpus), calls


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--page", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--database-url", help="An empty database to profile on.")
    parser.add_argument("--postgresql", action="store_true",
                        help="Profile on a fresh PostgreSQL database (dropped afterwards).")
    args = parser.parse_args(argv)
    fresh = create_database("postgresql", Path()) if args.postgresql else None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            _profile(args, fresh or args.database_url, Path(tmp))
    finally:
        if fresh:
            drop_database(fresh)


def _profile(args, database_url: str | None, tmp: Path) -> None:
    """Reach the page as a pupil, then time and (``--profile``) profile its requests."""
    app, codes = setup(database_url, tmp)
    client = app.test_client()
    start = client.get("/")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', start.text).group(1)
    client.post("/", data={"csrf_token": token, "code": codes[0]})
    assent = client.get("/survey/assent")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', assent.text).group(1)
    client.post("/survey/assent", data={"csrf_token": token})
    number = 1
    while number < args.page:  # reach the page: answer the ones before it
        html = client.get(f"/survey/page/{number}").text
        result = client.post(f"/survey/page/{number}", data=page_post_data(html))
        assert result.status_code == 200, (number, result.status_code, result.text[:300])
        number += 1
    url = f"/survey/page/{args.page}"
    html = client.get(url).text
    # Each save changes every choice answer (first option, then last, ...), as a pupil's
    # first save of a page does: the answers are written, not only compared.
    datas, saves = (page_post_data(html), page_post_data(html, last=True)), [0]

    def view():
        assert client.get(url).status_code == 200

    def save():
        saves[0] += 1
        result = client.post(url, data=datas[saves[0] % 2])
        assert result.status_code == 200 and 'id="page-form"' in result.text, result.text[:500]

    def bare():
        assert client.get("/survey/paused").status_code == 200

    results = {name: timed(call, args.repeat)
               for name, call in (("bare", bare), ("view", view), ("save", save))}
    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, "
          f"page {args.page}, {args.repeat} requests each")
    for name, (wall, cpu, calls) in results.items():
        print(f"{name:>5}: {wall * 1000:7.2f} ms wall, {cpu * 1000:6.2f} ms CPU, "
              f"{calls:8.0f} function calls per request "
              f"({cpu / results['bare'][1]:4.1f}x bare CPU)")
    if args.page == 3 and app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # The references were measured on SQLite.
        print("before the trim (daeb314): " + "; ".join(
            f"{name} {ms:.2f} ms CPU, {calls} calls ({ms / BEFORE['bare'][0]:.1f}x bare)"
            for name, (ms, calls) in BEFORE.items()))
        print("function calls now / before: " + ", ".join(
            f"{name} {results[name][2] / BEFORE[name][1]:.2f}" for name in ("view", "save")))
        # A whole page save was a save and a view (redirect); now it is the save alone.
        then = {name: (ref["view"][0] + ref["save"][0], ref["view"][1] + ref["save"][1],
                       ref["bare"][0])
                for name, ref in (("redirected (f13bb45)", REDIRECTED),
                                  ("before the trim", BEFORE))}
        print(f"a whole page save (save and next page): now {results['save'][1] * 1000:.2f} "
              f"ms CPU ({results['save'][1] / results['bare'][1]:.1f}x bare), "
              f"{results['save'][2]:.0f} calls; " + "; ".join(
                  f"{name} {ms:.2f} ms ({ms / bare:.1f}x bare), {calls} calls"
                  for name, (ms, calls, bare) in then.items()))
    if args.profile:
        for name, call in (("bare", bare), ("view", view), ("save", save)):
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(50):
                call()
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(SORT).print_stats(35)
            print(f"\n===== {name}: cProfile, 50 requests, by cumulative time =====")
            print(out.getvalue())
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
