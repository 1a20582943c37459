"""Differencing across linked tables and across releases (issue 11, section 1b).

The attacker here is independent of the defender's code. He knows how every
published table is built: the finest cross classification of all published
groupings (district x school x grade x gender, a Sozialraum determined by its
districts, for share measures also the category, and for several releases of
a wave which release each pupil was in: kept, added later, withdrawn), each of
whose cells holds an unknown number of pupils, an unknown sum of scores and
unknown category counts. Every published figure (pupil count ``n``, sum ``n *
mean``, category count ``n * share``) of every table of every release is an
exact linear equation in those unknowns. A hidden figure is recovered when its
vector of cells lies in the span of the published ones, decided in exact
rational arithmetic (Gaussian elimination over integers and
``fractions.Fraction``); every recovery is checked against the truth. Besides
every suppressed cell (unless another release published the same pupils'
figure) he targets every set of fewer than ``min_n`` pupils that a
difference can isolate: the pupils added to or withdrawn from a group between
two releases (and each finest cell below the threshold).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import numpy as np
import pandas as pd
import pytest

from analysis.estimation import compare_to_city
from analysis.disclosure import protect_linked_tables
from analysis.pipeline import analyse, measures
from analysis.questionnaire import load
from analysis.scoring import score
from analysis.simulation import simulate_city
from questionnaires import SHIPPED

GROUPINGS = ["district", "region", "school", "grade", "gender"]


# --------------------------------------------------------------------------- exact algebra
class Span:
    """Row space of sparse rational rows with right-hand sides, fully reduced."""

    def __init__(self):
        self.rows = {}  # pivot -> (row, rhs); pivot rows are 0 in every other pivot

    def reduce(self, row, rhs=0.0):
        row = {k: v for k, v in row.items() if v}
        for col in [c for c in row if c in self.rows]:
            a = row.get(col)
            if a:
                prow, prhs = self.rows[col]
                _axpy(row, -a, prow)
                rhs -= float(a) * prhs
        return row, rhs

    def add(self, row, rhs):
        row, rhs = self.reduce(row, rhs)
        if not row:
            return
        unit = [c for c, v in row.items() if v in (1, -1)]
        pivot = min(unit) if unit else min(row)
        scale = row[pivot]
        if scale not in (1, -1):
            scale = Fraction(scale)
        row = {c: (v / scale if scale not in (1, -1) else v * scale) for c, v in row.items()}
        rhs = rhs / float(scale)
        for p, (other, orhs) in list(self.rows.items()):
            a = other.get(pivot)
            if a:
                _axpy(other, -a, row)
                self.rows[p] = (other, orhs - float(a) * rhs)
        self.rows[pivot] = (row, rhs)

    def value_of(self, target):
        """The value of ``target . x`` if the published rows determine it, else None."""
        row, rhs = self.reduce(target, 0.0)
        return -rhs if not row else None


def _axpy(target, factor, source):
    for c, v in source.items():
        value = target.get(c, 0) + factor * v
        if value:
            target[c] = value
        else:
            target.pop(c, None)


# --------------------------------------------------------------------------- the attacker
MISSING = "<missing>"


def _label(v):
    return MISSING if pd.isna(v) else str(v)


def attack(releases, groupings, min_n, questionnaire, nested=("region",), headline=False):
    """Recover hidden figures from every table of every release.

    ``releases`` is a list of ``(pupils, published)``: the scored pupils each
    release was computed from (with ``response_id``) and its published table
    (all groupings). ``nested`` variables are functions of another grouping
    (the attacker knows the geography). Targets: every hidden figure, every
    populated cell of fewer than ``min_n`` pupils, the pupils without a value
    of a grouping when fewer than ``min_n``, and the changes between releases
    of fewer than ``min_n`` pupils. With ``headline``, each release also says how
    many pupils it counted (a report's "443 questionnaires"): for a measure all of them
    have a value for, that is one more equation. Returns the recoveries.
    """
    means, shares = measures(questionnaire)
    everyone = pd.concat([p for p, _ in releases]).drop_duplicates("response_id").set_index("response_id")
    labels = pd.DataFrame({c: everyone[c].map(_label) for c in groupings})
    base = [g for g in groupings if g not in nested]
    parent = {g: next(b for b in base if labels[[b, g]].drop_duplicates()[b].is_unique) for g in nested}
    maps = {g: dict(labels[[parent[g], g]].drop_duplicates().to_numpy()) for g in nested}
    inside = [everyone.index.isin(p["response_id"]).tolist() for p, _ in releases]
    status = pd.Series(list(zip(*inside)), index=everyone.index)
    statuses = sorted(set(status))
    levels = {g: sorted(set(labels[g])) for g in base}
    found = []
    for measure in means + list(shares):
        cats = ["_"] if measure in means else [str(c) for c in shares[measure]]
        cells = list(product(*[levels[g] for g in base], statuses, cats))
        frame = pd.DataFrame(cells, columns=[*base, "_status", "_cat"])
        for g in nested:
            frame[g] = frame[parent[g]].map(maps[g])
        value = everyone[measure]
        has = value.notna()
        truth_keys = pd.DataFrame({**{g: labels[g] for g in base}, "_status": status,
                                   "_cat": value.map(_label) if measure in shares else "_"})[has]
        index = {c: i for i, c in enumerate(cells)}
        at = truth_keys.apply(lambda r: index[tuple(r)], axis=1).to_numpy()
        n_true = np.bincount(at, minlength=len(cells))
        s_true = np.bincount(at, weights=value[has].to_numpy(float), minlength=len(cells)) \
            if measure in means else None

        def vector(var, group, r, cat, sign=1):
            mask = np.array([st[r] for st in frame["_status"]]) if r is not None else np.ones(len(frame), bool)
            if var is not None:
                mask &= frame[var].to_numpy() == group
            if cat is not None:
                mask &= frame["_cat"].to_numpy() == cat
            return {int(i): sign for i in np.flatnonzero(mask)}

        span_n, span_s, targets, shown = Span(), Span(), [], set()
        for r, (_, table) in enumerate(releases):
            rows = table[(table["measure"] == measure) | table["measure"].str.startswith(measure + "=")]
            for row in rows.itertuples():
                var = None if row.group == "all" else row.group_var
                cat = row.measure.split("=", 1)[1] if row.statistic == "share" else None
                vec = vector(var, None if var is None else str(row.group), r, cat)
                if row.suppressed:
                    targets.append(((r, row.group_var, row.group, row.measure), vec))
                    continue
                shown.add(frozenset(vec.items()))  # published as such: not a secret
                if cat is None:
                    span_n.add(vec, float(row.n))
                    if s_true is not None:
                        span_s.add(vec, float(row.n) * float(row.estimate))
                else:
                    span_n.add(vec, float(row.n) * float(row.estimate))
        for r, (counted, _) in enumerate(releases):
            if headline and counted[measure].notna().all():
                span_n.add(vector(None, None, r, None), float(len(counted)))
        for i in np.flatnonzero((n_true > 0) & (n_true < min_n)):
            targets.append((("cell", cells[i]), {int(i): 1}))
        # the pupils without a value of a grouping in a release: no row of theirs, but part of
        # every total, so the city minus the published groups is them
        for r in range(len(releases)):
            counted = np.array([st[r] for st in frame["_status"]])
            for g in groupings:
                mask = counted & (frame[g].to_numpy() == MISSING)
                if not 0 < n_true[mask].sum() < min_n:
                    continue
                for cat in cats if len(cats) > 1 else ():
                    in_cat = mask & (frame["_cat"].to_numpy() == cat)
                    targets.append((("unpublished", r, g, measure, cat),
                                    {int(i): 1 for i in np.flatnonzero(in_cat)}))
                targets.append((("unpublished", r, g, measure), {int(i): 1 for i in np.flatnonzero(mask)}))
        for r1, r2 in [(a, b) for a in range(len(releases)) for b in range(a + 1, len(releases))]:
            changed = np.array([st[r1] != st[r2] for st in frame["_status"]])
            sign = np.array([1 if st[r2] else -1 for st in frame["_status"]])
            for var in [None, *groupings]:
                for group in [None] if var is None else sorted(set(frame[var]) - {MISSING}):
                    for cat in cats:
                        mask = changed & (frame["_cat"].to_numpy() == cat)
                        if var is not None:
                            mask &= frame[var].to_numpy() == group
                        if 0 < n_true[mask].sum() < min_n:
                            vec = {int(i): int(sign[i]) for i in np.flatnonzero(mask)}
                            targets.append((("difference", r1, r2, var, group, measure, cat), vec))
        for what, vec in targets:
            if frozenset(vec.items()) in shown:
                continue  # hidden now, published by another release of the same pupils
            got = span_n.value_of(vec)
            if got is not None:
                truth = sum(n_true[k] * v for k, v in vec.items())
                assert got == pytest.approx(truth, abs=1e-6), what  # the attack is real
                found.append((what, "n", got))
            if s_true is not None and (got := span_s.value_of(vec)) is not None:
                truth = sum(s_true[k] * v for k, v in vec.items())
                assert got == pytest.approx(truth, abs=1e-6), what
                found.append((what, "sum", got))
    return found


# --------------------------------------------------------------------------- fixtures
def demo_wave(questionnaire, seed, pupils=900, districts=12, schools=5):
    """A demo-like city: districts in Sozialräume, two surveyed grades, skewed district sizes."""
    city = simulate_city(questionnaire, pupils, districts=districts, schools=schools, seed=seed)
    scored = score(city.responses, questionnaire)
    scored = scored[scored["grade"].isin([5, 7])].reset_index(drop=True)
    region = {d: f"R{int(d) % 3}" for d in scored["district"].dropna().unique() if d != "dont_know"}
    scored["region"] = scored["district"].map(region)
    return scored


@pytest.fixture(scope="module")
def questionnaire():
    return load(SHIPPED)


@pytest.fixture(scope="module")
def small():
    """Two scales, their categories and an index: the release chains stay quick."""
    from pathlib import Path

    return load(Path(__file__).parents[1] / "questionnaire" / "files" / "small.yaml")


# --------------------------------------------------------------------------- linked tables
@pytest.mark.parametrize("seed, min_n", [(1, 10), (2, 15), (4, 10)])
def test_linked_tables_of_one_release_reveal_nothing(questionnaire, seed, min_n):
    pupils = demo_wave(questionnaire, seed)
    published = analyse(pupils, questionnaire, by=GROUPINGS, min_n=min_n)
    assert published["suppressed"].sum() > 20
    assert attack([(pupils, published)], GROUPINGS, min_n, questionnaire) == []
    # a scale's mean and its category shares count the same pupils: hidden alike,
    # or the n published with one would give away the other's hidden n
    scale = published["measure"].str.partition("=")[0].str.removesuffix("_category")
    hidden = published.groupby([published["group_var"], published["group"].astype(str), scale])["suppressed"]
    assert (hidden.nunique() == 1).all()


def test_positive_control_tables_protected_one_by_one_are_solved(questionnaire):
    pupils = demo_wave(questionnaire, 1)
    means, shares = measures(questionnaire)
    tables = {g: compare_to_city(pupils, measures=means, categories=shares, by=g, cluster="school")
              for g in GROUPINGS}
    alone = pd.concat([protect_linked_tables({g: t}, min_n=10)[g] for g, t in tables.items()],
                      ignore_index=True)
    found = attack([(pupils, alone)], GROUPINGS, 10, questionnaire)
    assert len(found) > 10


def test_cli_analyse_protects_several_groupings_together(tmp_path):
    from click.testing import CliRunner

    from survey_app.cli import main

    def run(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    assert run("simulate", "--pupils", 400, "--districts", 12, "--schools", 4, "--seed", 2,
               "--out", tmp_path).exit_code == 0
    out = tmp_path / "estimates.csv"
    result = run("analyse", "--questionnaire", SHIPPED, "--responses", tmp_path / "responses.csv",
                 "--by", "district, school,grade", "--out", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"group": str})
    assert set(table["group_var"]) == {"district", "school", "grade"}
    assert table["suppressed"].any()
    pupils = score(pd.read_csv(tmp_path / "responses.csv"), load(SHIPPED))
    pupils["response_id"] = pupils["response_id"].astype(str)
    assert attack([(pupils, table)], ["district", "school", "grade"], 10, load(SHIPPED), nested=()) == []
    bad = run("analyse", "--questionnaire", SHIPPED, "--responses", tmp_path / "responses.csv",
              "--by", "district,nowhere", "--out", out)
    assert bad.exit_code == 1 and "nowhere" in bad.output


def _region_of_towns(questionnaire):
    """A region's pupils by school and town (the town of their school): a small town of
    one school of 6 beside a city; every pupil has a value for the first scale."""
    pupils = demo_wave(questionnaire, 3)
    first = measures(questionnaire)[0][0]
    pupils = pupils[pupils[first].notna()].reset_index(drop=True)
    pupils["school"] = pupils["school"].astype(str)
    pupils.loc[pupils.index[:6], "school"] = "town school"
    pupils["town"] = np.where(pupils["school"] == "town school", "T", "C")
    return pupils, first


@pytest.mark.parametrize("counted", [False, True])
def test_a_published_headline_gives_back_no_hidden_total(questionnaire, counted):
    """The report's count of questionnaires is the whole region's n of every measure all
    pupils answered; the tables told of it keep that total shown and hide elsewhere
    (found by attacking a region wave, issue 12)."""
    pupils, first = _region_of_towns(questionnaire)
    means, shares = measures(questionnaire)
    tables = {g: compare_to_city(pupils, measures=means, categories=shares, by=g, cluster="school")
              for g in ("town", "school")}
    counts = {("all", "all"): len(pupils)} if counted else None
    published = pd.concat(protect_linked_tables(
        tables, units=pupils[["town", "school", *means, *shares]], min_n=10,
        alike=[(s.id, f"{s.id}_category") for s in questionnaire.scales],
        published_counts=counts).values(), ignore_index=True)
    found = attack([(pupils, published)], ["town", "school"], 10, questionnaire, nested=("town",),
                   headline=True)
    city = published[(published["group"] == "all") & (published["measure"] == first)]
    if counted:
        assert found == []
        assert not city["suppressed"].any()
    else:  # positive control: the total hidden as a complement, the headline gives it back
        assert city["suppressed"].all()
        assert ((0, "town", "T", first), "n", 6.0) in found


# --------------------------------------------------------------------------- releases
def late_class(pupils, size=4):
    """Ids of ``size`` pupils of one class: they answered after the first release."""
    first = pupils.groupby(["school", "class"]).size().index[0]
    rows = pupils[(pupils["school"] == first[0]) & (pupils["class"] == first[1])]
    return set(rows["response_id"].iloc[:size])


def release(pupils, questionnaire, min_n, previous=(), withdrawn=None):
    return analyse(pupils, questionnaire, by=GROUPINGS, min_n=min_n, previous=previous,
                   withdrawn=withdrawn)


def scenarios(pupils, questionnaire):
    """(name, [(pupils, min_n)]) for each sequence of releases of one wave."""
    late = late_class(pupils)
    gone = pupils["response_id"].iloc[[7]]
    before = pupils[~pupils["response_id"].isin(late)]
    after = pupils[~pupils["response_id"].isin(gone)]
    return {
        "late class of 4": [(before, 10), (pupils, 10)],
        "one withdrawn pupil": [(pupils, 10), (after, 10)],
        "lower threshold": [(pupils, 15), (pupils, 10)],
        "late, then withdrawn, then threshold": [(before, 10), (pupils, 10), (after, 10), (after, 8)],
    }


@pytest.mark.parametrize("name", ["late class of 4", "one withdrawn pupil", "lower threshold",
                                  "late, then withdrawn, then threshold"])
def test_releases_of_a_wave_reveal_nothing(small, name):
    from analysis.disclosure import Release

    questionnaire = small
    pupils = demo_wave(questionnaire, 1)
    steps = scenarios(pupils, questionnaire)[name]
    everyone = pd.concat([p for p, _ in steps]).drop_duplicates("response_id")
    published, earlier = [], []
    for data, min_n in steps:
        gone = everyone[everyone["response_id"].isin({i for r in earlier for i in r.response_ids})
                        & ~everyone["response_id"].isin(data["response_id"])]
        table = release(data, questionnaire, min_n, earlier, gone if len(gone) else None)
        published.append((data, table))
        earlier.append(Release(table, set(data["response_id"])))
    assert attack(published, GROUPINGS, min(m for _, m in steps), questionnaire) == []
    # the map still shows districts: the protection hides the changed groups, not the release
    last = published[-1][1]
    shown = last[(last["group_var"] == "district") & ~last["suppressed"] & (last["statistic"] == "mean")]
    assert shown["measure"].nunique() == len(measures(questionnaire)[0])


@pytest.mark.parametrize("name", ["late class of 4", "one withdrawn pupil"])
def test_positive_control_releases_protected_one_by_one_are_solved(small, name):
    questionnaire = small
    pupils = demo_wave(questionnaire, 1)
    steps = scenarios(pupils, questionnaire)[name]
    published = [(data, release(data, questionnaire, min_n)) for data, min_n in steps]
    found = attack(published, GROUPINGS, min(m for _, m in steps), questionnaire)
    assert len(found) >= 10
    assert any(what[0] == "difference" for what, _, _ in found)  # the changed pupils' own figures


def test_refuse_instead_of_hiding_more(small):
    from analysis.disclosure import Release, ReleaseRefused

    questionnaire = small
    pupils = demo_wave(questionnaire, 1)
    before = pupils[~pupils["response_id"].isin(late_class(pupils))]
    first = release(before, questionnaire, 10)
    means, shares = measures(questionnaire)
    from analysis.disclosure import protect_release

    estimates = pd.concat([compare_to_city(pupils, measures=means, categories=shares, by=g,
                                           cluster="school") for g in GROUPINGS], ignore_index=True)
    with pytest.raises(ReleaseRefused, match="fewer than 10 pupils"):
        protect_release(estimates, pupils, [Release(first, set(before["response_id"]))], refuse=True)
    with pytest.raises(ReleaseRefused):
        analyse(pupils, questionnaire, by=GROUPINGS, previous=[Release(first, set(before["response_id"]))],
                refuse=True)
    # the same pupils and threshold again: nothing changed, nothing more hidden, not refused
    same = release(pupils, questionnaire, 10)
    again = protect_release(estimates, pupils, [Release(same, set(pupils["response_id"]))], refuse=True)
    assert again["suppressed"].tolist() == same["suppressed"].tolist()
    with pytest.raises(ValueError, match="neither in pupils nor in withdrawn"):
        protect_release(estimates, before, [Release(first, set(pupils["response_id"]))])


def test_previous_wave_comparison_refuses_a_computation_of_the_same_wave(small):
    from analysis.waves import compare_with_previous

    pupils = demo_wave(small, 1)
    before = pupils[~pupils["response_id"].isin(late_class(pupils))]
    first, second = release(before, small, 10), release(pupils, small, 10)
    with pytest.raises(ValueError, match="another computation of this wave"):
        compare_with_previous(second, first)
    other = demo_wave(small, 2)  # another wave: different answers, compared
    compared = compare_with_previous(second, release(other, small, 10))
    assert compared["diff_previous"].notna().any()


def test_a_swap_inside_a_hidden_district_is_not_revealed_by_its_region():
    """One pupil withdrawn and one added in a district hidden in both releases.

    Region R = D1 + D2 + D3; D1 (6 pupils) and its complement D3 are hidden;
    D2 gets 12 late pupils (enough to publish its change). Published in both
    releases, R and D2 (with D3 unchanged) would give D1's change: the new
    pupil's score minus the withdrawn one's.
    """
    from analysis.disclosure import apply_disclosure_control
    from analysis.disclosure import Release, protect_release

    rng = np.random.default_rng(5)
    sizes = {"D1": 6, "D2": 40, "D3": 30, "D4": 50}
    first = pd.DataFrame({"district": [d for d, k in sizes.items() for _ in range(k)]})
    first["response_id"] = range(len(first))
    first["region"] = np.where(first["district"] == "D4", "S", "R")
    first["m"] = rng.integers(1, 6, len(first)).astype(float)
    withdrawn = first[first["district"] == "D1"].head(1)
    late = pd.DataFrame({"district": ["D1"] + ["D2"] * 12, "region": "R",
                         "m": rng.integers(1, 6, 13).astype(float)})
    late["response_id"] = range(1000, 1013)
    second = pd.concat([first.drop(index=withdrawn.index), late], ignore_index=True)

    def table(pupils):
        parts = [("all", "all", pupils)] + [(v, g, p) for v in ("district", "region")
                                              for g, p in pupils.groupby(v)]
        return pd.DataFrame([{"group_var": v, "group": g, "measure": "m", "statistic": "mean",
                              "n": len(p), "estimate": p["m"].mean(), "se": 0.1} for v, g, p in parts])

    one = apply_disclosure_control(table(first), units=first)
    assert one.set_index("group")["suppressed"][["D1", "D3", "D2", "R"]].tolist() == [True, True, False, False]
    two = protect_release(table(second), second, [Release(one, set(first["response_id"]))],
                          withdrawn=withdrawn)
    shown = {g for g, s in zip(two["group"], two["suppressed"]) if not s} & \
        {g for g, s in zip(one["group"], one["suppressed"]) if not s}
    # D1's change = R's change - D2's change (D3 unchanged) = city's change - D2's - D4's
    assert not {"R", "D2"} <= shown
    assert not {"all", "D2", "D4"} <= shown
