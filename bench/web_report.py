"""What ``bench/web.py`` prints: the machine, then per database the figures and the checks."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from bench.web_load import BARE_PATH


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
          f"{f['workers']} workers x {f['threads']} threads, mean think time {options.think} s, "
          f"starts spread over {options.ramp} s ==")
    print(f"first start to healthy: {f['first_start_s']} s")
    print(f"bare endpoint ({BARE_PATH}): {f['bare_rps']} requests/s (the faster of "
          f"{' and '.join(str(rps) for rps in f['bare_rps_runs'])}, before and after the pupils)")
    print(f"page saves: {f['saves']} in {f['load_seconds']} s = {f['saves_per_s']} saves/s "
          f"(ratio to bare: {f['ratio_to_bare']})")
    print(f"page save latency: p50 {f['save_p50_ms']} ms, p95 {f['save_p95_ms']} ms, "
          f"p99 {f['save_p99_ms']} ms; showing a page (page 1, the assent's answer, behind "
          f"every code entry; and pages asked for again after a restart): p50 "
          f"{f['view_p50_ms']} ms, "
          f"p99 {f['view_p99_ms']} ms")
    if f["steady_saves_per_s"] is not None:
        print(f"middle 80 % of the saves ({f['steady_pupils']} pupils in the survey on "
              f"average): {f['steady_saves']} saves in "
              f"{f['steady_seconds']} s = {f['steady_saves_per_s']} saves/s; latency p50 "
              f"{f['steady_p50_ms']} ms, p95 {f['steady_p95_ms']} ms, p99 "
              f"{f['steady_p99_ms']} ms")
    bare_requests = f["bare_rps"] * options.bare_seconds
    for label, split, count, unit in (("bare endpoint", f["bare_cpu_s"], bare_requests, "request"),
                                      ("pupils", f["load_cpu_s"], f["saves"], "page save")):
        per = ", ".join(f"{kind} {seconds / count * 1000:.2f}" for kind, seconds in split.items()
                        if count)
        print(f"CPU seconds during the {label} run: {split}; ms CPU per {unit}: {per}")
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


def failed(results: list[dict]) -> bool:
    """Whether any run lost, changed or duplicated an acknowledged answer, or failed a check."""
    return any(r["check"]["lost"] or r["check"]["changed"] or r["check"]["duplicated"]
               or r["check"]["submits_missing"] or r["check"]["integrity"] for r in results)
