"""Benchmark: do the published 95 % intervals cover, under each design's own sampling model?

For each design the script builds a population with known district values and
draws samples from it the way that design assumes the pupils came to answer:

* ``census`` - a city of 12 schools; every pupil of two grades is asked and
  60-80 % answer, at random within school x grade x gender cells (a
  stratified random sample without replacement of fixed size per cell);
* ``schools`` - a county of 250 schools whose catchments are concentrated (half
  the pupils of a school live in its home district, a fifth in the next one,
  the rest anywhere: a district's pupils sit mostly in a few of the sampled
  schools, as in issue 11's check, where R's degf had a median of 15 and the
  effective number of schools was about 6); 20 schools are drawn at random and
  60-80 % of their pupils answer (two stages);
* ``classes`` - every one of 12 schools takes part, with 3 of its 40 classes
  drawn at random (classes as clusters within schools).

Each replication estimates a scale mean and a share by district (the share's
interval as published: logit; for comparison also Korn-Graubard, ``ci_method="beta"``) with
:func:`analysis.designs.build_design` and
:func:`analysis.estimation.compare_to_city`, once with the default degrees of
freedom (``df_rule="effective"``: Kish's effective number of sampling units
minus one) and once with R's ``degf`` of the district subset (``"r"``). It
prints, per design and rule, the coverage of the district intervals of means
and shares with a 95 % Clopper-Pearson interval of the coverage itself, the
intervals that could not be formed (a district in one school: no SE), and the
power: how often a district whose true mean lies 0.2 SD above the others
differs significantly from the city (Holm-adjusted p < 0.05 over districts).
Goal: 94-96 % coverage for every design's means and shares.

Run: ``python bench/coverage.py [--quick] [--replications N] [--seed S]``
(``--quick``: 200 replications, a fast check; default 1,000).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

_ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _ROOT / "bench"]
sys.path.insert(0, str(_ROOT))

from analysis.designs import build_design  # noqa: E402
from analysis.estimation import compare_to_city, survey_shares_by  # noqa: E402

N_DISTRICTS = 10
SHIFTED = "D01"            # the district whose true mean is 0.2 SD above the others
SHIFT_SD = 0.2
SCHOOL_SD, PUPIL_SD = 0.3, 1.0


def _pupils(rng, school, district, grade, gender, klass):
    """Scores and a yes/no indicator with school effects and one shifted district."""
    n = len(school)
    sd = np.sqrt(SCHOOL_SD ** 2 + PUPIL_SD ** 2)
    effect = rng.normal(0, SCHOOL_SD, school.max() + 1)[school]
    y = 3.0 + effect + rng.normal(0, PUPIL_SD, n) + np.where(district == 0, SHIFT_SD * sd, 0.0)
    p = 1 / (1 + np.exp(-(-1.0 + 0.8 * effect / SCHOOL_SD * 0.3 + 0.4 * (district % 3 == 0))))
    return pd.DataFrame({
        "school": [f"S{s:03d}" for s in school], "class": [f"C{c:02d}" for c in klass],
        "district": [f"D{d + 1:02d}" for d in district], "grade": grade, "gender": gender,
        "score": y, "flag": np.where(rng.random(n) < p, "yes", "no")})


def _catchment(rng, n_schools, size, home_share):
    """Districts of each school's pupils: mostly the school's home district and a
    neighbour, the rest anywhere (so districts reach into many schools thinly)."""
    home = rng.integers(0, N_DISTRICTS, n_schools)
    school = np.repeat(np.arange(n_schools), size)
    u = rng.random(len(school))
    near = (home[school] + 1) % N_DISTRICTS
    anywhere = rng.integers(0, N_DISTRICTS, len(school))
    district = np.where(u < home_share, home[school],
                        np.where(u < home_share + 0.2, near, anywhere))
    return school, district


def census_population(rng):
    n_schools = 12
    size = rng.integers(120, 200, n_schools)
    school = np.repeat(np.arange(n_schools), size)
    home = rng.integers(0, N_DISTRICTS, n_schools)
    u = rng.random(len(school))
    district = np.where(u < 0.5, home[school], rng.integers(0, N_DISTRICTS, len(school)))
    grade = rng.choice([5, 7], len(school))
    gender = rng.choice(["f", "m"], len(school))
    pop = _pupils(rng, school, district, grade, gender, np.zeros(len(school), int))
    cells = pop.groupby(["school", "grade", "gender"]).size().rename("pupils").reset_index()
    rate = rng.uniform(0.6, 0.8, len(cells))
    cells["respond"] = np.maximum(1, np.round(cells["pupils"] * rate)).astype(int)
    return pop, cells


def census_sample(rng, pop, cells):
    key = pop.groupby(["school", "grade", "gender"]).ngroup().to_numpy()
    order = np.lexsort((rng.random(len(pop)), key))
    rank = np.empty(len(pop), int)
    rank[order] = np.arange(len(pop)) - np.searchsorted(key[order], key[order])
    take = rank < cells["respond"].to_numpy()[key]
    return pop[take].reset_index(drop=True), cells[["school", "grade", "gender", "pupils"]]


def schools_population(rng):
    n_schools = 250
    school, district = _catchment(rng, n_schools, 80, home_share=0.5)
    n = len(school)
    return _pupils(rng, school, district, rng.choice([5, 7], n), rng.choice(["f", "m"], n),
                   np.zeros(n, int)), None


def schools_sample(rng, pop, _):
    chosen = rng.choice(pop["school"].unique(), 20, replace=False)
    part = pop[pop["school"].isin(chosen)]
    rate = dict(zip(chosen, rng.uniform(0.6, 0.8, len(chosen))))
    keep = rng.random(len(part)) < part["school"].map(rate).to_numpy()
    sample = part[keep].reset_index(drop=True)
    # two stages: 250/20 for the school, pupils / respondents within it
    weight = (250 / 20) * sample["school"].map(part["school"].value_counts()
                                               / sample["school"].value_counts())
    return sample.assign(weight=weight.to_numpy()), None


def classes_population(rng):
    n_schools, n_classes, size = 12, 40, 25
    school, district = _catchment(rng, n_schools, n_classes * size, home_share=0.5)
    klass = np.tile(np.repeat(np.arange(n_classes), size), n_schools)
    n = len(school)
    pop = _pupils(rng, school, district, rng.choice([5, 7], n), rng.choice(["f", "m"], n), klass)
    class_effect = rng.normal(0, 0.15, n_schools * n_classes)[school * n_classes + klass]
    return pop.assign(score=pop["score"] + class_effect), None


def classes_sample(rng, pop, _):
    parts = []
    for _school, part in pop.groupby("school"):
        chosen = rng.choice(part["class"].unique(), 3, replace=False)
        parts.append(part[part["class"].isin(chosen)])
    sample = pd.concat(parts, ignore_index=True)
    size = pop.groupby("school")["class"].nunique() / 3
    return sample.assign(weight=sample["school"].map(size).to_numpy()), None


MODELS = {"census": (census_population, census_sample),
          "schools": (schools_population, schools_sample),
          "classes": (classes_population, classes_sample)}


def run_design(name: str, replications: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    make_population, draw = MODELS[name]
    pop, cells = make_population(rng)
    share = pop.assign(v=pop["flag"] == "yes").groupby("district")["v"].mean()
    truth = {"score": pop.groupby("district")["score"].mean(), "flag=yes": share,
             "flag=yes (beta)": share}
    tallies = {(rule, m): [0, 0, 0] for rule in ("effective", "r") for m in truth}
    power = {rule: 0 for rule in ("effective", "r")}
    for _ in range(replications):
        sample, enrolment = draw(rng, pop, cells)
        design = build_design(sample, name, enrolment).design
        for rule in ("effective", "r"):
            ruled = replace(design, df_rule=rule)
            res = compare_to_city(ruled, measures="score", categories={"flag": ["yes"]})
            beta = survey_shares_by(ruled, {"flag": ["yes"]}, ci_method="beta")
            res = pd.concat([res, beta.assign(measure="flag=yes (beta)")], ignore_index=True)
            res = res[res["group"] != "all"]
            for measure, true in truth.items():
                rows = res[res["measure"] == measure]
                value = rows["group"].map(true).to_numpy()
                formed = rows["ci_low"].notna().to_numpy()
                hit = (rows["ci_low"].to_numpy() <= value) & (value <= rows["ci_high"].to_numpy())
                t = tallies[rule, measure]
                t[0] += int(hit[formed].sum())
                t[1] += int(formed.sum())
                t[2] += int((~formed).sum())
            shifted = res[(res["group"] == SHIFTED) & (res["measure"] == "score")]
            power[rule] += int((shifted["p_adjusted"] < 0.05).any())
    rows = []
    for (rule, measure), (hits, formed, missing) in tallies.items():
        low = stats.beta.ppf(0.025, hits, formed - hits + 1) if hits else 0.0
        high = stats.beta.ppf(0.975, hits + 1, formed - hits) if hits < formed else 1.0
        statistic = {"score": "mean", "flag=yes": "share"}.get(measure, "share (beta)")
        rows.append({"design": name, "df_rule": rule, "statistic": statistic,
                     "intervals": formed, "no_interval": missing, "coverage": hits / formed,
                     "cov_low": low, "cov_high": high,
                     "power_0.2sd": power[rule] / replications if measure == "score" else np.nan})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 replications")
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--designs", nargs="*", default=list(MODELS), choices=list(MODELS))
    args = parser.parse_args(argv)
    reps = args.replications or (200 if args.quick else 1000)
    results = []
    for k, name in enumerate(args.designs):
        start = time.perf_counter()
        results += run_design(name, reps, args.seed + k)
        print(f"{name}: {reps} replications in {time.perf_counter() - start:.0f} s",
              file=sys.stderr)
    table = pd.DataFrame(results)
    with pd.option_context("display.width", 120, "display.float_format", "{:.3f}".format):
        print(table.to_string(index=False))
    effective = table[(table["df_rule"] == "effective") & (table["statistic"] != "share (beta)")]
    inside = effective["coverage"].between(0.94, 0.96)
    print(f"\ncoverage of every design's means and shares within 94-96 % (effective df): "
          f"{'yes' if inside.all() else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
