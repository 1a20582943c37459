"""Benchmark: the wave report and data package of the demo city (issue 9, performance).

Sets up the demo city (``wellbeing demo``'s data: its questionnaire, answers and
released results) in a temporary SQLite database, then times, in the same run,

* ``bare``: WeasyPrint rendering a one-page PDF (a heading and a paragraph), the floor
  that any HTML-to-PDF report pays (fonts, layout engine start-up per document);
* ``report``: the wave report (German) of the demo city, from reading the stored
  results to the PDF bytes;
* ``package``: the data package (CSV, XLSX, SPSS, GeoJSON, definition, codebook);
* ``region``: the region report (German) of a region of 10 municipalities: the demo
  city and nine copies of it (its districts and stored figures under other names), as
  one wave run across the region with municipality and region totals. A report reads
  stored figures only, so copies time the same work as ten surveyed towns.

It prints the median wall time of each and the ratio to ``bare``. Targets: the wave
report of the demo city within 10 s, the region report within 60 s.

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
REGION_TARGET_SECONDS = 60.0
TOWNS = 10
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


def add_region(result_id: int, municipality_id: int) -> int:
    """A region wave over the demo city and nine copies of it, released; returns the region id."""
    import datetime as dt

    from sqlalchemy import select

    from survey_app.models import District, Region, ResultEstimate, ResultSet, Wave

    source = db.session.get(ResultSet, result_id)
    demo = db.session.get(Municipality, municipality_id)
    region = demo.region or Region(name="Benchkreis")
    demo.region = region
    towns = [demo] + [Municipality(name=f"{demo.name} {k}", region=region)
                      for k in range(2, TOWNS + 1)]
    db.session.add_all(towns)
    db.session.flush()
    district_map: dict[int, dict[int, int]] = {demo.id: {d.id: d.id for d in demo.districts}}
    for town in towns[1:]:
        district_map[town.id] = {}
        for d in demo.districts:
            copy = District(municipality_id=town.id, code=d.code, name=f"{d.name} ({town.name})",
                            geometry=d.geometry)
            db.session.add(copy)
            db.session.flush()
            district_map[town.id][d.id] = copy.id
    old = source.wave
    wave = Wave(name="Kreisbefragung 2026", questionnaire_id=old.questionnaire_id,
                questionnaire_version=old.questionnaire_version,
                questionnaire_hash=old.questionnaire_hash, region_id=region.id,
                grade_min=old.grade_min, grade_max=old.grade_max,
                opens_on=old.opens_on + dt.timedelta(days=1),
                closes_on=old.closes_on + dt.timedelta(days=1), state="closed")
    copy_set = ResultSet(wave=wave, state="released", released_at=source.released_at,
                         questionnaire_id=source.questionnaire_id,
                         questionnaire_version=source.questionnaire_version,
                         questionnaire_hash=source.questionnaire_hash,
                         min_group_size=source.min_group_size, design=source.design,
                         weighting=source.weighting, responses=source.responses * TOWNS,
                         reliability=source.reliability)
    db.session.add_all([wave, copy_set])
    db.session.flush()
    columns = [c.key for c in ResultEstimate.__table__.columns
               if c.key not in ("id", "result_set_id")]
    rows = list(db.session.scalars(select(ResultEstimate).where(
        ResultEstimate.result_set_id == source.id, ResultEstimate.group_var == "district")))
    for row in rows:
        values = {c: getattr(row, c) for c in columns}
        for town in towns:
            moved = dict(values, municipality_id=town.id)
            if row.district_id is not None:
                moved.update(district_id=district_map[town.id][row.district_id],
                             group_key=str(district_map[town.id][row.district_id]))
            db.session.add(ResultEstimate(result_set_id=copy_set.id, **moved))
        if row.group_key == "all":  # the towns' and the region's totals
            for key in [str(t.id) for t in towns] + ["all"]:
                db.session.add(ResultEstimate(result_set_id=copy_set.id, **dict(
                    values, group_var="municipality", group_key=key, municipality_id=None,
                    district_id=None)))
    db.session.commit()
    return region.id


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
        with app.app_context():
            region_id = add_region(result_id, municipality_id)
        with app.test_request_context():
            from survey_app.models import ResultSet

            stored = db.session.get(ResultSet, result_id)
            town = db.session.get(Municipality, municipality_id)
            questionnaire = load(SHIPPED)

            def report() -> bytes:
                content = wave_content(db.session, stored, town, questionnaire)
                return wave_report_pdf(db.session, content, "de")

            def region_report() -> bytes:
                from survey_app.models import Region
                from survey_app.reports.region import region_report_pdf

                return region_report_pdf(db.session, db.session.get(Region, region_id),
                                         (stored.questionnaire_id,
                                          stored.questionnaire_version), "de")

            def package() -> bytes:
                return package_zip(wave_content(db.session, stored, town, questionnaire), None)

            html_to_pdf(BARE)  # warm-up: font discovery once, as in a running server
            bare = _median(lambda: html_to_pdf(BARE), args.repeat)
            report_time = _median(report, args.repeat)
            package_time = _median(package, args.repeat)
            region_time = _median(region_report, max(1, args.repeat // 2))
    print(f"bare one-page PDF   {bare:8.3f} s")
    verdict = "met" if report_time <= TARGET_SECONDS else "MISSED"
    print(f"wave report (de)    {report_time:8.3f} s   {report_time / bare:7.1f} x bare   "
          f"(target {TARGET_SECONDS:.0f} s: {verdict})")
    print(f"data package        {package_time:8.3f} s   {package_time / bare:7.1f} x bare")
    verdict = "met" if region_time <= REGION_TARGET_SECONDS else "MISSED"
    print(f"region report ({TOWNS})   {region_time:8.3f} s   {region_time / bare:7.1f} x bare   "
          f"(target {REGION_TARGET_SECONDS:.0f} s: {verdict}; "
          f"{region_time / report_time:.1f} x the wave report)")


if __name__ == "__main__":
    main()
