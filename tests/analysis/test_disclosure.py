"""Tests of analysis.disclosure.

References: the suppression rules are checked against the rules they state
(threshold rule; Hundepool et al. 2012, ch. 4-5 for complementary suppression)
and, above all, against an independent attacker written here: exact rational
Gaussian elimination over every additive identity of the published table
(pupil counts, sums n * mean and category counts share * n, within groups and
across districts, genders and district x gender to the city total). It must
recover nothing; a positive control shows it does recover cells of a table
with primary suppression only. Hand-computed expectations are stated inline.
"""

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from analysis.disclosure import apply_disclosure_control, count_pupils

CATS = ("low", "medium", "thriving")


# --------------------------------------------------------------------------- fixtures
def synthetic_city(seed, pupils=150, districts=6, min_cat=False):
    """Pupils with district, gender, a 1-5 score and a 3-level index; skewed sizes."""
    rng = np.random.default_rng(seed)
    sizes = rng.dirichlet(np.full(districts, 0.6))
    data = pd.DataFrame({
        "district": rng.choice([f"D{i:02d}" for i in range(districts)], size=pupils, p=sizes),
        "gender": rng.choice(["f", "m", "d"], size=pupils, p=[0.48, 0.48, 0.04]),
        "score": rng.integers(1, 6, size=pupils).astype(float),
        "index": rng.choice(CATS, size=pupils, p=[0.15, 0.5, 0.35]).astype(object),
    })
    data.loc[rng.random(pupils) < 0.08, "score"] = np.nan
    data.loc[rng.random(pupils) < 0.08, "index"] = None
    return data


def estimates_table(data):
    """Unweighted means and shares for all, district, gender and district:gender."""
    rows = []
    specs = [("all", None), ("district", ["district"]), ("gender", ["gender"]),
             ("district:gender", ["district", "gender"])]
    for gv, cols in specs:
        groups = [("all", data)] if cols is None else [
            (":".join(k if isinstance(k, tuple) else (k,)), d) for k, d in data.groupby(cols)]
        for g, d in groups:
            s = d["score"].dropna()
            if len(s):
                se = s.std(ddof=1) / np.sqrt(len(s)) if len(s) > 1 else np.nan
                rows.append(dict(group_var=gv, group=g, measure="score", statistic="mean",
                                 category=None, n=len(s), estimate=s.mean(), se=se))
            idx = d["index"].dropna()
            for k in CATS if len(idx) else ():
                p = float((idx == k).mean())
                rows.append(dict(group_var=gv, group=g, measure="index", statistic="share",
                                 category=k, n=len(idx), estimate=p,
                                 se=np.sqrt(p * (1 - p) / len(idx))))
    est = pd.DataFrame(rows)
    est["ci_low"], est["ci_high"] = est["estimate"] - 1.96 * est["se"], est["estimate"] + 1.96 * est["se"]
    est["diff_city"], est["p_value"], est["p_adjusted"] = 0.1, 0.5, 0.9
    return est


# --------------------------------------------------------------------------- the attacker
def attack(published, truth):
    """Recover suppressed figures by exact elimination over all additive identities.

    ``published`` is the output of disclosure control, ``truth`` the same table
    unsuppressed. Returns {figure: recovered value} for every suppressed figure
    that the published ones determine, each checked to equal the truth.
    """
    figures, known = {}, {}  # figure -> true value; figure -> published value

    def cell(gv, g):
        if gv == "all":
            return ("all", "all")
        if gv == "district":
            return (g, "all")
        if gv == "gender":
            return ("all", g)
        return tuple(g.split(":"))

    for (_, t), (_, p) in zip(truth.iterrows(), published.iterrows()):
        c = cell(t.group_var, t.group)
        pairs = [(("n", t.measure, c), t.n)]
        if t.statistic == "mean":
            pairs.append((("sum", t.measure, c), t.estimate * t.n))
        else:
            pairs.append((("count", t.measure, t.category, c), t.estimate * t.n))
        for f, v in pairs:
            figures[f] = v
            if not p.suppressed:
                known[f] = v
    districts = sorted({f[-1][0] for f in figures} - {"all"})
    genders = sorted({f[-1][1] for f in figures} - {"all"})
    kinds = []
    for m in sorted(set(truth["measure"])):
        rows = truth[truth["measure"] == m]
        kinds.append(("n", m))
        if (rows["statistic"] == "mean").any():
            kinds.append(("sum", m))
        kinds += [("count", m, k) for k in sorted(set(rows.get("category", pd.Series()).dropna()))]
    equations = []  # lists of (coefficient, figure), sum == 0
    for kind in kinds:
        def f(c):
            return kind + (c,)
        if districts:
            equations.append([(-1, f(("all", "all")))] + [(1, f((d, "all"))) for d in districts])
        if genders:
            equations.append([(-1, f(("all", "all")))] + [(1, f(("all", s))) for s in genders])
        for d in districts if genders else []:
            equations.append([(-1, f((d, "all")))] + [(1, f((d, s))) for s in genders])
        for s in genders if districts else []:
            equations.append([(-1, f(("all", s)))] + [(1, f((d, s))) for d in districts])
    for m in sorted(set(truth["measure"])):
        cats = [k[2] for k in kinds if k[0] == "count" and k[1] == m]
        for d in ["all"] + districts:
            for s in ["all"] + genders if cats else []:
                equations.append([(-1, ("n", m, (d, s)))] + [(1, ("count", m, k, (d, s))) for k in cats])
    unknown = sorted({f for eq in equations for _, f in eq if f in figures and f not in known}, key=str)
    col = {f: i for i, f in enumerate(unknown)}
    rows = []
    for eq in equations:
        coef, rhs = [Fraction(0)] * len(unknown), 0.0
        for a, f in eq:
            if f not in figures:
                continue  # a group or category absent from the table: zero pupils
            if f in known:
                rhs -= a * known[f]
            else:
                coef[col[f]] += a
        if any(coef):
            rows.append((coef, rhs))
    recovered = {}
    for coef, rhs in _rref(rows):
        support = [j for j, a in enumerate(coef) if a != 0]
        if len(support) == 1:  # a row "x_j = value": figure j is pinned down
            f = unknown[support[0]]
            recovered[f] = rhs / float(coef[support[0]])
            assert recovered[f] == pytest.approx(figures[f], abs=1e-6)  # the attack is real
    return recovered


def _rref(rows):
    """Reduced row echelon form in exact fractions (right-hand sides in floats)."""
    rows = [(r[:], v) for r, v in rows]
    rank, ncol = 0, len(rows[0][0]) if rows else 0
    for c in range(ncol):
        piv = next((i for i in range(rank, len(rows)) if rows[i][0][c] != 0), None)
        if piv is None:
            continue
        rows[rank], rows[piv] = rows[piv], rows[rank]
        prow, pval = rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][0][c] != 0:
                k = rows[i][0][c] / prow[c]
                rows[i] = ([x - k * y for x, y in zip(rows[i][0], prow)], rows[i][1] - float(k) * pval)
        rank += 1
    return rows[:rank]


# --------------------------------------------------------------------------- adversarial
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), pupils=st.integers(25, 220),
       districts=st.integers(2, 7), min_cat=st.sampled_from([None, 3, 5]))
def test_attacker_recovers_no_suppressed_figure(seed, pupils, districts, min_cat):
    truth = estimates_table(synthetic_city(seed, pupils, districts))
    out = apply_disclosure_control(truth, min_n=10, min_category_count=min_cat)
    assert attack(out, truth) == {}


@pytest.mark.parametrize("seed", range(25))
def test_attacker_fails_on_many_seeds(seed):
    truth = estimates_table(synthetic_city(seed, pupils=120, districts=8))
    out = apply_disclosure_control(truth, min_n=10, min_category_count=3)
    assert out["suppressed"].any()
    assert attack(out, truth) == {}


def test_attacker_succeeds_against_primary_suppression_only():
    """Positive control: without complementary cells the attacker wins."""
    wins = 0
    for seed in range(10):
        truth = estimates_table(synthetic_city(seed, pupils=120, districts=8))
        out = apply_disclosure_control(truth, min_n=10)
        naive = out.copy()
        naive["suppressed"] = truth["n"] < 10
        wins += bool(attack(naive, truth))
    assert wins >= 8


# --------------------------------------------------------------------------- rules
def mean_table(ns, names=None, measure="m"):
    names = names or [f"D{i}" for i in range(len(ns))]
    return pd.DataFrame({
        "group_var": ["all"] + ["district"] * len(ns), "group": ["all"] + names,
        "measure": measure, "statistic": "mean", "n": [sum(ns)] + list(ns),
        "estimate": 3.0, "se": 0.2, "ci_low": 2.6, "ci_high": 3.4,
        "diff_city": 0.0, "p_value": 1.0, "p_adjusted": 1.0})


def test_primary_suppression_is_n_below_min_n():
    out = apply_disclosure_control(mean_table([9, 10, 11, 3, 40]), min_n=10)
    # n=9 and n=3 primary; two suppressed districts already protect each other
    assert out["suppression_reason"].tolist() == ["", "n<10", "", "", "n<10", ""]
    out = apply_disclosure_control(mean_table([9, 10, 11, 3, 40]), min_n=3)
    assert not out["suppressed"].any()


def test_single_suppressed_district_gets_smallest_partner_ties_by_name():
    out = apply_disclosure_control(mean_table([5, 30, 12, 12, 50], ["E", "A", "Z", "B", "C"]))
    # E is primary; the smallest published districts are Z and B (12): B wins by name
    assert out.set_index("group")["suppression_reason"].to_dict() == {
        "all": "", "E": "n<10", "A": "", "Z": "", "B": "complementary", "C": ""}


def test_number_columns_empty_and_identifiers_kept_when_suppressed():
    out = apply_disclosure_control(mean_table([5, 30, 12]))
    hidden = out[out["suppressed"]]
    assert len(hidden) == 2
    for col in ["n", "estimate", "se", "ci_low", "ci_high", "diff_city", "p_value", "p_adjusted"]:
        assert hidden[col].isna().all(), col
        assert out.loc[~out["suppressed"], col].notna().all(), col
    assert hidden["group"].tolist() == ["D0", "D2"]
    assert str(out["n"].dtype) == "Int64"


def test_rse_flag():
    est = mean_table([50, 50, 50, 50])
    est["estimate"] = [1.0, 1.0, 0.5, 0.0, 2.0]
    est["se"] = [0.1, 0.31, 0.15, 0.0, 0.5]
    out = apply_disclosure_control(est, rse_threshold=0.30)
    # rse 0.1, 0.31 (>), 0.30 (not >), estimate 0 (undefined: flagged), 0.25
    assert out["low_precision"].tolist() == [False, True, False, True, False]
    est["n"] = [150, 5, 50, 45, 50]
    out = apply_disclosure_control(est)
    assert not out.loc[out["suppressed"], "low_precision"].any()


def test_one_small_category_forces_a_second_category_and_second_district():
    est = pd.DataFrame({
        "group_var": ["all"] * 3 + ["district"] * 9, "group": ["all"] * 3 + ["A"] * 3 + ["B"] * 3 + ["C"] * 3,
        "measure": "wb", "statistic": "share", "category": list(CATS) * 4,
        "n": [150] * 3 + [50] * 3 + [40] * 3 + [60] * 3,
        "estimate": [0.2, 0.5, 0.3, 0.04, 0.56, 0.4, 0.25, 0.5, 0.25, 0.3, 0.45, 0.25],
        "se": 0.05})
    out = apply_disclosure_control(est, min_category_count=5)
    hidden = out.loc[out["suppressed"], ["group", "category", "suppression_reason"]]
    # A:low has 2 pupils (<5). Within A the smallest other is thriving (20);
    # across districts for "low" the smallest other is B (10), then B needs a
    # second category too: B:thriving (10) closes the cycle A-low-B-thriving.
    assert hidden.values.tolist() == [
        ["A", "low", "count<5"], ["A", "thriving", "complementary"],
        ["B", "low", "complementary"], ["B", "thriving", "complementary"]]
    assert attack(out, est) == {}


def test_district_by_gender_cell_gets_a_four_cycle():
    # district x gender with district and gender totals published
    names = ["all", "A", "B", "C", "f", "m", "A:f", "A:m", "B:f", "B:m", "C:f", "C:m"]
    est = pd.DataFrame({
        "group_var": ["all"] + ["district"] * 3 + ["gender"] * 2 + ["district:gender"] * 6,
        "group": names, "measure": "score", "statistic": "mean",
        "n": [120, 30, 40, 50, 55, 65, 4, 26, 21, 19, 30, 20],
        "estimate": 3.0, "se": 0.1})
    out = apply_disclosure_control(est)
    hidden = out.loc[out["suppressed"], "group"].tolist()
    # A:f (4) needs a partner in row A (A:m) and in column f; the cheapest
    # hypercube {A, B} x {f, m} costs 26 + 21 + 19 = 66 against {A, C}: 80
    assert hidden == ["A:f", "A:m", "B:f", "B:m"]
    assert attack(out, est) == {}


def test_mean_and_share_rows_of_one_measure_share_their_n():
    truth = estimates_table(synthetic_city(11, pupils=90, districts=4))
    truth.loc[truth["measure"] == "index", "measure"] = "score"
    truth["n"] = truth.groupby(["group_var", "group"])["n"].transform("max")
    out = apply_disclosure_control(truth, min_category_count=3)
    assert out["suppressed"].any()
    assert attack(out, truth) == {}


def test_category_in_measure_name_without_category_column():
    est = pd.DataFrame({
        "group_var": ["all", "all", "district", "district", "district", "district"],
        "group": ["all", "all", "A", "A", "B", "B"], "statistic": "share",
        "measure": ["x=yes", "x=no"] * 3, "n": [30, 30, 6, 6, 24, 24],
        "estimate": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], "se": 0.1})
    out = apply_disclosure_control(est)
    assert out["suppressed"].tolist() == [False, False, True, True, True, True]


def test_waves_are_separate_tables_and_wave_is_kept():
    a, b = mean_table([5, 30, 12]), mean_table([50, 30, 12])
    a["wave"], b["wave"] = 2023, 2025
    out = apply_disclosure_control(pd.concat([a, b], ignore_index=True))
    assert out["suppressed"].tolist() == [False, True, False, True] + [False] * 4
    assert out["wave"].tolist() == [2023] * 4 + [2025] * 4


def test_result_does_not_depend_on_row_order_and_is_idempotent():
    truth = estimates_table(synthetic_city(7, pupils=140, districts=7))
    out = apply_disclosure_control(truth, min_category_count=3)
    shuffled = apply_disclosure_control(truth.sample(frac=1, random_state=1), min_category_count=3)
    pd.testing.assert_frame_equal(out, shuffled.loc[out.index])
    again = apply_disclosure_control(out, min_category_count=3)
    pd.testing.assert_series_equal(again["suppressed"], out["suppressed"])
    pd.testing.assert_series_equal(again["suppression_reason"], out["suppression_reason"])


def test_whole_city_below_threshold_hides_everything():
    out = apply_disclosure_control(mean_table([3, 4]))
    assert out["suppressed"].all()
    # a published count of the city below the threshold unhides nothing
    out = apply_disclosure_control(mean_table([3, 4]), published_counts={("all", "all"): 7})
    assert out["suppressed"].all()


def test_published_counts_need_one_population():
    a, b = mean_table([5, 30, 12]), mean_table([50, 30, 12])
    a["wave"], b["wave"] = 2023, 2025
    with pytest.raises(ValueError, match="one population"):
        apply_disclosure_control(pd.concat([a, b], ignore_index=True),
                                 published_counts={("all", "all"): 47})


def test_a_published_count_of_a_group_without_rows_is_protected():
    """Schools A (5), B (50) and C (40); A and B are Realschulen, whose count of 55 a
    response table prints. Alone, C (the smallest) would hide A; with the count, B must
    (55 - B would be A)."""
    table = mean_table([5, 50, 40], ["A", "B", "C"])
    table["group_var"] = np.where(table["group"] == "all", "all", "school")
    pupils = pd.DataFrame({"school": ["A"] * 5 + ["B"] * 50 + ["C"] * 40,
                           "school_type": ["R"] * 55 + ["G"] * 40})
    alone = apply_disclosure_control(table, units=pupils)
    assert alone["suppression_reason"].tolist() == ["", "n<10", "", "complementary"]
    counted = apply_disclosure_control(table, units=pupils,
                                       published_counts={("school_type", "R"): 55})
    assert counted["suppression_reason"].tolist() == ["", "n<10", "complementary", ""]
    assert counted.index.equals(table.index)  # the count's own row is not returned
    with pytest.raises(ValueError, match="need units"):
        apply_disclosure_control(table, published_counts={("school_type", "R"): 55})
    with pytest.raises(ValueError, match="lack the column 'school_type'"):
        apply_disclosure_control(table, units=pupils[["school"]],
                                 published_counts={("school_type", "R"): 55})


def test_a_published_count_keeps_no_row_changed_by_a_few_pupils():
    """A late class of 4: the new total stays hidden though a count of 64 is given (the
    caller must then not publish it either: the app says the earlier count)."""
    from analysis.disclosure import Release, protect_release

    pupils = pd.DataFrame({"response_id": range(64),
                           "district": ["A"] * 24 + ["B"] * 20 + ["C"] * 20})
    first = apply_disclosure_control(mean_table([20, 20, 20], ["A", "B", "C"]))
    second = protect_release(mean_table([24, 20, 20], ["A", "B", "C"]), pupils,
                             [Release(first, response_ids=range(4, 64))],
                             published_counts={("all", "all"): 64})
    assert second["suppression_reason"].tolist() == ["changed<10", "changed<10", "", ""]


@pytest.mark.parametrize("kwargs, message", [
    ({"min_n": 0}, "min_n"), ({"min_n": 2.5}, "min_n"), ({"rse_threshold": 0}, "rse_threshold"),
    ({"min_category_count": -1}, "min_category_count"), ({"separate_by": ["wave"]}, "separate_by"),
    ({"value_columns": ["nope"]}, "value_columns"),
    ({"published_counts": {("all",): 50}}, "published_counts"),
    ({"published_counts": {("all", "all"): -1}}, "published_counts"),
    ({"published_counts": {("all", "all"): 49.5}}, "published_counts"),
    ({"published_counts": [("all", "all", 50)]}, "published_counts")])
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        apply_disclosure_control(mean_table([20, 30]), **kwargs)


def test_bad_tables_raise():
    with pytest.raises(ValueError, match="lack the column"):
        apply_disclosure_control(mean_table([20, 30]).drop(columns="se"))
    bad = mean_table([20, 30])
    bad.loc[1, "n"] = -1
    with pytest.raises(ValueError, match="negative"):
        apply_disclosure_control(bad)
    bad = mean_table([20, 30])
    bad["group_var"], bad["group"] = "district:gender", "A"
    with pytest.raises(ValueError, match="does not match"):
        apply_disclosure_control(bad)
    share = pd.DataFrame({"group_var": "all", "group": "all", "measure": "x", "statistic": "share",
                          "category": ["a", "b"], "n": 20, "estimate": [40.0, 60.0], "se": 1.0})
    with pytest.raises(ValueError, match="proportions"):
        apply_disclosure_control(share, min_category_count=3)
    with pytest.raises(ValueError, match="DataFrame"):
        apply_disclosure_control([1, 2])


# --------------------------------------------------------------------------- count_pupils
def test_count_pupils_matches_groupby_and_cross_classification():
    data = synthetic_city(3, pupils=80, districts=4)
    data.loc[0, "district"] = None
    counts = count_pupils(data, ["score", "index"], by=["district", ("district", "gender")])
    city = counts[counts["group_var"] == "all"].set_index("measure")["n"]
    assert city.to_dict() == {"score": data["score"].notna().sum(), "index": data["index"].notna().sum()}
    by_d = counts[counts["group_var"] == "district"].set_index(["group", "measure"])["n"]
    expected = data.dropna(subset=["district"]).groupby("district")["score"].count()
    assert by_d.xs("score", level="measure").to_dict() == expected.to_dict()
    cross = counts[counts["group_var"] == "district:gender"]
    assert cross["n"].sum() == 2 * 0 + data.dropna(subset=["district"])[["score", "index"]].notna().sum().sum()
    assert all(":" in g for g in cross["group"])


def test_count_pupils_errors():
    with pytest.raises(ValueError, match="not in data"):
        count_pupils(pd.DataFrame({"district": ["a"]}), ["score"])
    with pytest.raises(ValueError, match="DataFrame"):
        count_pupils({"district": ["a"]}, ["score"])


def _counted(pupils: pd.DataFrame, groups: list[tuple[str, str]], measure: str = "score") -> pd.DataFrame:
    """A mean table of ``measure`` over ``groups`` (group_var, group), n counted from the pupils."""
    rows = []
    for group_var, group in groups:
        mask = pd.Series(True, index=pupils.index)
        if group != "all":
            for var, value in zip(group_var.split(":"), group.split(":")):
                if value != "all":
                    mask &= pupils[var].astype(str) == value
        values = pupils.loc[mask, measure].dropna()
        rows.append({"group_var": group_var, "group": group, "measure": measure,
                     "statistic": "mean", "n": len(values), "estimate": values.mean(), "se": 0.1})
    return pd.DataFrame(rows)


def test_pupils_without_a_district_answer_are_not_the_total_minus_the_districts():
    """Found by attacking the demo (issue 12): 7 pupils without a district were all - Nord - Sued."""
    pupils = pd.DataFrame({"district": ["Nord"] * 30 + ["Sued"] * 30 + [None] * 7,
                           "score": np.arange(67, dtype=float) % 5})
    est = _counted(pupils, [("all", "all"), ("district", "Nord"), ("district", "Sued")])
    assert apply_disclosure_control(est)["suppressed"].sum() == 0  # without the pupils: unknown
    out = apply_disclosure_control(est, units=pupils)
    assert out["suppressed"].sum() == 1 and out["suppression_reason"].tolist().count("complementary") == 1
    shown = out[~out["suppressed"]]
    assert len(shown) == 2 and shown["group"].tolist() != ["Nord", "Sued"]  # all - the rest != 7
    # 12 without a district: a group above the threshold, nothing to hide
    more = pd.concat([pupils, pupils.tail(5)], ignore_index=True)
    assert not apply_disclosure_control(_counted(more, [("all", "all"), ("district", "Nord"),
                                                        ("district", "Sued")]),
                                        units=more)["suppressed"].any()
    # a measure none of the 7 answered: their group is empty for it, nothing to hide
    quiet = pupils.assign(score=pupils["score"].where(pupils["district"].notna()))
    assert not apply_disclosure_control(_counted(quiet, [("all", "all"), ("district", "Nord"),
                                                         ("district", "Sued")]),
                                        units=quiet)["suppressed"].any()


def test_a_district_s_pupils_without_a_gender_are_not_the_district_minus_its_genders():
    pupils = pd.DataFrame({"district": ["A"] * 43 + ["B"] * 40,
                           "gender": ["f"] * 20 + ["m"] * 20 + [None] * 3 + ["f"] * 20 + ["m"] * 20,
                           "score": np.arange(83, dtype=float) % 4})
    groups = [("all", "all"), ("district", "A"), ("district", "B"), ("gender", "f"), ("gender", "m"),
              ("district:gender", "A:f"), ("district:gender", "A:m"),
              ("district:gender", "B:f"), ("district:gender", "B:m")]
    est = _counted(pupils, groups)
    out = apply_disclosure_control(est, units=pupils)
    assert out["suppressed"].any()
    # the atoms an attacker solves for: each district by gender, "no gender" included
    atoms = [("A", "f"), ("A", "m"), ("A", None), ("B", "f"), ("B", "m")]

    def covers(group_var, group):
        wanted = dict(zip(group_var.split(":"), group.split(":"))) if group != "all" else {}
        return [float(all(dict(district=d, gender=g).get(k) == v for k, v in wanted.items()))
                for d, g in atoms]

    published = np.array([covers(r.group_var, r.group) for r in out[~out["suppressed"]].itertuples()])
    target = np.array([[0, 0, 1, 0, 0]], float)  # the 3 pupils of A without a gender
    assert np.linalg.matrix_rank(np.vstack([published, target])) > np.linalg.matrix_rank(published)
    before = np.array([covers(r.group_var, r.group) for r in est.itertuples()])
    assert np.linalg.matrix_rank(np.vstack([before, target])) == np.linalg.matrix_rank(before)


def test_a_wave_s_few_pupils_without_a_district_are_protected_in_a_table_of_two_waves():
    """Two waves in one table: each wave's pupils are its own population.

    Wave 2023 has 12 pupils without a district, wave 2025 only 4. Counted over
    both waves the group holds 16, above the threshold; in 2025 alone its 4
    pupils would be the total minus Nord and Sued.
    """
    def wave(year, missing):
        pupils = pd.DataFrame({"district": ["Nord"] * 30 + ["Sued"] * 30 + [None] * missing,
                               "score": np.arange(60 + missing, dtype=float) % 5})
        return pupils.assign(wave=year)

    pupils = pd.concat([wave(2023, 12), wave(2025, 4)], ignore_index=True)
    groups = [("all", "all"), ("district", "Nord"), ("district", "Sued")]
    est = pd.concat([_counted(pupils[pupils["wave"] == year], groups).assign(wave=year)
                     for year in (2023, 2025)], ignore_index=True)
    out = apply_disclosure_control(est, units=pupils)
    assert not out.loc[out["wave"] == 2023, "suppressed"].any()  # 12: nothing to hide
    assert out.loc[out["wave"] == 2025, "suppressed"].sum() == 1  # 4: one of the three rows
    # without the wave column the pupils cannot be told apart: refused, not guessed
    with pytest.raises(ValueError, match="wave"):
        apply_disclosure_control(est, units=pupils.drop(columns="wave"))
