"""Deterministic generator of the small fixture city used by the R reference scripts.

Run from this folder: ``python make_fixtures.py``; it writes ``city.csv`` (pupils)
and ``enrolment.csv`` (population counts per school x grade x gender). The CSVs are
committed; R (``reference.R``) reads them and writes the ``reference_*.csv`` files.
"""
import numpy as np
import pandas as pd

SEED = 20240501


def make_city(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    schools = [f"S{i:02d}" for i in range(1, 25)]
    muni = {s: f"M{1 + i // 8}" for i, s in enumerate(schools)}
    muni_lonely = dict(muni, S24="M4")           # a stratum with a single school
    districts = [f"D{i:02d}" for i in range(1, 11)]
    d_effect = dict(zip(districts, rng.normal(0, 0.35, len(districts))))
    rows = []
    for i, s in enumerate(schools):
        size = int(rng.integers(25, 100))
        s_effect = rng.normal(0, 0.3)
        base_w = float(rng.uniform(1.0, 3.0))
        # each school draws mostly from three neighbouring districts (D01-D09) ...
        near = [districts[(i // 3 + k) % 9] for k in range(3)]
        probs = np.array([0.5, 0.3, 0.2])
        for _ in range(size):
            if s == "S05" and rng.random() < 0.25:
                district = "D10"                      # D10: pupils from one school only
            elif rng.random() < 0.12:
                district = "D01"                      # D01: pupils from many schools
            elif rng.random() < 0.02:
                district = None                       # "I don't know"
            else:
                district = near[rng.choice(3, p=probs)]
            eff = s_effect + (d_effect[district] if district else 0.0)
            ls = float(np.clip(3.4 + eff + rng.normal(0, 0.8), 1, 5))
            se = float(np.clip(3.0 + 0.5 * eff + rng.normal(0, 0.7), 1, 5))
            u = rng.random()
            index = "thriving" if u < 0.35 + 0.1 * eff else ("medium" if u < 0.75 else "low")
            rows.append({
                "school": s, "muni": muni[s], "muni_lonely": muni_lonely[s],
                "district": district, "grade": int(rng.choice([5, 7])),
                "gender": str(rng.choice(["f", "m"])),
                "weight": round(base_w * float(rng.uniform(0.8, 1.25)), 4),
                "life_satisfaction": round(ls, 3) if rng.random() > 0.08 else None,
                "self_esteem": round(se, 3),
                "wellbeing_index": index if rng.random() > 0.05 else None,
                "bullied_often": "yes" if rng.random() < 0.03 else "no",
                "has_friend": "yes" if rng.random() < 0.97 else "no",
            })
    city = pd.DataFrame(rows)
    counts = city.groupby(["school", "grade", "gender"]).size().rename("sample").reset_index()
    factor = rng.uniform(1.1, 1.9, len(counts))
    counts["Freq"] = np.ceil(counts["sample"] * factor).astype(int)
    return city, counts.drop(columns="sample")


if __name__ == "__main__":
    city, enrolment = make_city()
    city.to_csv("city.csv", index=False)
    enrolment.to_csv("enrolment.csv", index=False)
    print(len(city), "pupils;", len(enrolment), "enrolment cells")
