"""Deterministic fixture for the three designs (census, schools, classes).

Run from this folder: ``python make_designs_fixture.py``; it writes
``designs_city.csv`` (respondents) and ``designs_enrolment.csv`` (enrolled
pupils per school x grade x gender, column ``pupils``). ``designs.R`` reads
both and writes ``reference_designs.csv``. The city has the cases the designs
must get right: a weighting cell with one respondent (a lonely stratum), a cell
where every enrolled pupil answered (no variance), an enrolled cell without
respondents and a respondent without gender (both collapse gender within
school and grade), a school with a single surveyed (mixed-grade) class, a district served
by one school, districts absent from most cells, and a district where a share
is 0 and another 1.
"""
import numpy as np
import pandas as pd

SEED = 20261206


def make_city(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    schools = [f"S{i}" for i in range(1, 9)]
    districts = [f"D{i}" for i in range(1, 6)]
    rows, enrolment = [], []
    for i, s in enumerate(schools):
        s_effect = rng.normal(0, 0.3)
        classes = 1 if s == "S8" else int(rng.integers(2, 4))
        near = [districts[(i + k) % 5] for k in range(2)]
        for grade in (5, 7):
            for gender in ("f", "m"):
                enrolled = int(rng.integers(12, 30))
                answered = int(round(enrolled * rng.uniform(0.6, 0.8)))
                if (s, grade, gender) == ("S1", 5, "f"):
                    answered = 1                        # a cell of one respondent
                if (s, grade, gender) == ("S2", 7, "m"):
                    answered = enrolled                 # every pupil answered
                if (s, grade, gender) == ("S3", 5, "f"):
                    answered = 0                        # enrolled, nobody answered
                enrolment.append({"school": s, "grade": grade, "gender": gender,
                                  "pupils": enrolled})
                for _ in range(answered):
                    district = "D6" if s == "S4" and rng.random() < 0.3 else \
                        near[int(rng.random() < 0.35)]
                    eff = s_effect + {"D1": -0.3, "D2": 0.0, "D3": 0.2, "D4": 0.1,
                                      "D5": -0.1, "D6": 0.4}[district]
                    rows.append({
                        "school": s, "class": "5-7" if s == "S8" else
                        f"{grade}{'abc'[int(rng.integers(classes))]}",
                        "district": district, "grade": grade, "gender": gender,
                        "life_satisfaction": round(float(np.clip(
                            3.3 + eff + rng.normal(0, 0.8), 1, 5)), 3)
                        if rng.random() > 0.05 else None,
                        "wellbeing_index": str(rng.choice(["thriving", "medium", "low"],
                                                          p=[0.4, 0.4, 0.2])),
                        "bullied_often": "no" if district == "D5" else
                        ("yes" if rng.random() < 0.08 else "no"),
                        "has_friend": "yes" if district == "D5" else
                        ("yes" if rng.random() < 0.9 else "no"),
                    })
    city = pd.DataFrame(rows)
    city.loc[city.index[(city["school"] == "S5") & (city["grade"] == 7)][0], "gender"] = None
    return city, pd.DataFrame(enrolment)


if __name__ == "__main__":
    city, enrolment = make_city()
    city.to_csv("designs_city.csv", index=False)
    enrolment.to_csv("designs_enrolment.csv", index=False)
    print(len(city), "pupils;", len(enrolment), "enrolment cells")
