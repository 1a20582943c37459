"""Benchmark: simulated cities through scoring and district estimation (issue 5, item 10).

For cities of 10k, 100k and 1M pupils (``--quick``: 2k and 10k) this times

* ``score``: every scale score, category, index and asset;
* ``estimate``: design-based means of every scale and shares of every
  category and index level by district, schools as clusters;

and prints wall time (median of repeated runs; the estimator and the floor
timed alike), peak traced memory (tracemalloc, in a separate untimed pass,
since tracing slows Python code), the ratio of the
estimation to a one-pass numpy ``bincount`` floor computing the same sums
(group totals and school x group totals of y and of the valid-count, the
least any linearisation must do), and the ratio of ``samplics``' Taylor
estimator to ours for the same district means on the same 100k data, all in
the same run. Targets: 100k end to end within 10 s, estimation within 3x the
floor, at least 20x faster than samplics.

Run: ``python bench/analysis.py [--quick] [--samplics-measures K]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

# Run as a script, this file's folder comes first on sys.path and its name would
# shadow the ``analysis`` package: put the repository root there instead.
_ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _ROOT / "bench"]
sys.path.insert(0, str(_ROOT))

from analysis.estimation import survey_means_by, survey_shares_by
from analysis.pipeline import measures
from analysis.questionnaire import load
from analysis.scoring import score
from analysis.simulation import simulate_city
from questionnaires import SHIPPED


def _timed(func, *args, **kwargs):
    gc.collect()
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start


def _median_time(func, *args, repeats: int = 5) -> float:
    """Median wall time of ``repeats`` runs: one slow run on a busy machine decides nothing."""
    return float(np.median([_timed(func, *args)[1] for _ in range(repeats)]))


def _peak_mib(func, *args) -> tuple[object, float]:
    """Result and peak traced memory of one run (tracing slows Python code: never timed)."""
    tracemalloc.start()
    try:
        result = func(*args)
        return result, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _score_and_estimate(responses, q, means, shares):
    scored = score(responses, q)
    _estimate(scored, means, shares)
    return scored


def _estimate(scored, means, shares):
    survey_means_by(scored, means, by="district", cluster="school")
    survey_shares_by(scored, shares, by="district", cluster="school")


def _floor_inputs(scored, means, shares):
    """Group and school codes and one float array per measure (built outside the timing)."""
    group = pd.factorize(scored["district"])[0]  # missing district: code -1, own group
    group = np.where(group < 0, group.max() + 1, group)
    school = pd.factorize(scored["school"])[0]
    columns = [scored[m].to_numpy(dtype=float, na_value=np.nan) for m in means]
    for column, levels in shares.items():
        values = scored[column].astype(object).to_numpy()
        present = pd.notna(values)
        for level in levels:
            columns.append(np.where(present, (values == level).astype(float), np.nan))
    return group, school, columns


def _floor(group, school, columns):
    """The sums any Taylor linearisation by district needs, one bincount pass each."""
    n_g = int(group.max()) + 1
    cell = school * n_g + group
    n_cells = int(cell.max()) + 1
    for y in columns:
        valid = ~np.isnan(y)
        yv = np.where(valid, y, 0.0)
        np.bincount(group, weights=yv, minlength=n_g)
        np.bincount(group, weights=valid, minlength=n_g)
        np.bincount(cell, weights=yv, minlength=n_cells)
        np.bincount(cell, weights=valid, minlength=n_cells)


def _samplics(scored, means):
    from samplics import PopParam, TaylorEstimator

    domain = scored["district"].fillna("(unknown)").astype(str).to_numpy()
    psu = scored["school"].astype(str).to_numpy()
    for m in means:
        y = scored[m].to_numpy(dtype=float, na_value=np.nan)
        TaylorEstimator(PopParam.mean).estimate(y=y, samp_weight=np.ones(len(y)), psu=psu,
                                                domain=domain, remove_nan=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2k and 10k pupils only")
    parser.add_argument("--samplics-measures", type=int, default=3,
                        help="scale means timed with samplics (slow: ~10 s each at 100k)")
    parser.add_argument("--districts", type=int, default=24)
    args = parser.parse_args()
    sizes = (2_000, 10_000) if args.quick else (10_000, 100_000, 1_000_000)
    samplics_at = sizes[-1] if args.quick else 100_000
    q = load(SHIPPED)
    means, shares = measures(q)
    n_measures = len(means) + sum(len(v) for v in shares.values())
    rows, versus = [], None
    for n in sizes:
        city, t_sim = _timed(simulate_city, q, n, districts=args.districts, seed=n)
        responses = city.responses
        del city
        scored, peak = _peak_mib(_score_and_estimate, responses, q, means, shares)
        repeats = 5 if n <= 100_000 else 2
        t_score = _median_time(score, responses, q, repeats=repeats)
        # The estimator and the floor are timed alike, interleaved, in the same run.
        inputs = _floor_inputs(scored, means, shares)
        t_est = _median_time(_estimate, scored, means, shares, repeats=repeats)
        t_floor = _median_time(_floor, *inputs, repeats=repeats)
        rows.append({"pupils": n, "simulate s": t_sim, "score s": t_score, "estimate s": t_est,
                     "score+estimate s": t_score + t_est, "peak MiB": peak,
                     "bincount floor s": t_floor, "estimate / floor": t_est / t_floor})
        if n == samplics_at:
            versus = _versus_samplics(scored, means[:args.samplics_measures], n)
        del scored, responses, inputs
    table = pd.DataFrame(rows)
    print(f"\nShipped questionnaire, {args.districts} districts, {len(means)} scale means + "
          f"{n_measures - len(means)} category/index shares by district, schools as clusters\n")
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    if versus is not None:
        print("\n" + versus)
    _targets(table)


def _versus_samplics(scored, means, n) -> str:
    _, ours = _timed(survey_means_by, scored, means, by="district", cluster="school")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # samplics warns that it is archived
            _, theirs = _timed(_samplics, scored, means)
    except ImportError:
        return "samplics is not installed: pip install samplics"
    return (f"samplics TaylorEstimator, {len(means)} district means at {n:,} pupils: "
            f"{theirs:.2f} s; ours: {ours:.3f} s; samplics / ours = {theirs / ours:,.0f}x "
            f"(target >= 20x)")


def _targets(table: pd.DataFrame) -> None:
    at_100k = table[table["pupils"] == 100_000]
    if len(at_100k):
        total = at_100k["score+estimate s"].iloc[0]
        print(f"100k end to end: {total:.2f} s (target <= 10 s): "
              f"{'met' if total <= 10 else 'NOT met'}")
    worst = table["estimate / floor"].max()
    print(f"estimation / numpy floor: at most {worst:.1f}x (target <= 3x): "
          f"{'met' if worst <= 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
