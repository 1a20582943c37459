"""Benchmark: the wave report and data package of the demo city (issue 9, performance).

Sets up the demo city (``wellbeing demo``'s data: its questionnaire, answers and
released results) in a temporary SQLite database, then times, in the same run,

* ``bare``: WeasyPrint rendering a one-page PDF (a heading and a paragraph), the floor
  that any HTML-to-PDF report pays (fonts, layout engine start-up per document);
* ``report``: the wave report (German) of the demo city, from reading the stored
  results to the PDF bytes;
* ``package``: the data package (CSV, XLSX, SPSS, GeoJSON, definition, codebook).

It prints the median wall time of each and the ratio of report and package to
``bare``. Target: the wave report of the demo city within 10 s.

Run: ``python bench/reports.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _ROOT / "bench"]
sys.path.insert(0, str(_ROOT))

from analysis.questionnaire import load  # noqa: E402
from questionnaires import SHIPPED  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.demo.responses import ensure_demo_responses  # noqa: E402
from survey_app.demo.seed import ensure_demo_city  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.models import Municipality  # noqa: E402
from survey_app.reports.content import wave_content  # noqa: E402
from survey_app.reports.package import package_zip  # noqa: E402
from survey_app.reports.pdf import html_to_pdf, wave_report_pdf  # noqa: E402
from survey_app.services import results  # noqa: E402

TARGET_SECONDS = 10.0
BARE = "<!doctype html><html lang='de'><body><h1>Bericht</h1><p>Eine Seite.</p></body></html>"


def setup(folder: Path):
    config = {"INSTANCE_PATH": str(folder / "instance"), "SECRET_KEY": "b" * 40,
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
              "RATELIMIT_STORAGE_URI": "memory://"}
    app = create_app(config)
    with app.app_context():
        db.create_all()
        questionnaire = load(SHIPPED)
        city = ensure_demo_city(db.session, questionnaire)
        ensure_demo_responses(db.session, city.wave, questionnaire, city.first_class)
        stored = results.compute_results(db.session, city.wave, questionnaire,
                                         min_group_size=10)
        results.release_results(db.session, None, stored)
        db.session.commit()
        return app, stored.id, city.wave.municipality_id


def _median(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, result_id, municipality_id = setup(Path(folder))
        with app.test_request_context():
            from survey_app.models import ResultSet

            stored = db.session.get(ResultSet, result_id)
            town = db.session.get(Municipality, municipality_id)
            questionnaire = load(SHIPPED)

            def report() -> bytes:
                content = wave_content(db.session, stored, town, questionnaire)
                return wave_report_pdf(db.session, content, "de")

            def package() -> bytes:
                return package_zip(wave_content(db.session, stored, town, questionnaire), None)

            html_to_pdf(BARE)  # warm-up: font discovery once, as in a running server
            bare = _median(lambda: html_to_pdf(BARE), args.repeat)
            report_time = _median(report, args.repeat)
            package_time = _median(package, args.repeat)
    print(f"bare one-page PDF   {bare:8.3f} s")
    verdict = "met" if report_time <= TARGET_SECONDS else "MISSED"
    print(f"wave report (de)    {report_time:8.3f} s   {report_time / bare:7.1f} x bare   "
          f"(target {TARGET_SECONDS:.0f} s: {verdict})")
    print(f"data package        {package_time:8.3f} s   {package_time / bare:7.1f} x bare")


if __name__ == "__main__":
    main()
