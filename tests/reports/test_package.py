"""The data package of a wave (issue 9, item 4): CSV, XLSX, SPSS, GeoJSON, definition and
codebook, from the stored results, with no figure of a hidden group in any file."""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile

import pyreadstat
from openpyxl import load_workbook
from shapely.geometry import shape

from survey_app.cli import main
from tests.reports.conftest import OTHER, planner_client

FILES = {"README.txt", "estimates.csv", "estimates.xlsx", "estimates.sav", "districts.geojson",
         "questionnaire.yaml", "codebook.csv"}
SHEETS = ["README", "Umwelten (Environments)", "Wohlbefinden (Wellbeing)",
          "Entwicklung (Development)"]
NUMBERS = ("n", "estimate", "se", "ci_low", "ci_high", "diff_city", "p_value", "p_adjusted",
           "sae_estimate", "sae_rmse")


def _url(stored, tail: str) -> str:
    return f"/planner/waves/{stored.wave_id}/municipalities/{stored.municipality_id}/{tail}"


def _package(app, stored) -> dict[str, bytes]:
    response = planner_client(app).get(_url(stored, "package.zip"))
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _key(stored, row: dict) -> tuple[str, str]:
    group = row["group"]
    return (row["district_name"] if group not in ("all", "dont_know") else group,
            row["measure"])


def test_package_files_agree_with_the_stored_results_and_hide_small_groups(app, stored,
                                                                          tmp_path):
    files = _package(app, stored)
    assert set(files) == FILES
    hidden = stored.hidden()
    assert len(hidden) > 10  # the threshold hides many groups: the test has teeth

    # CSV: every stored row once; hidden ones without any number, shown ones as stored
    table = list(csv.DictReader(io.StringIO(files["estimates.csv"].decode("utf-8-sig"))))
    assert len(table) == len(stored.rows)
    for row in table:
        key = _key(stored, row)
        kept = stored.rows[key]
        if key in hidden:
            assert row["suppressed"] == "True"
            assert all(row[c] == "" for c in NUMBERS), row
        else:
            assert int(row["n"]) == kept["n"]
            assert math.isclose(float(row["estimate"]), kept["estimate"], rel_tol=1e-9)
    # SPSS: same rows, variable and value labels, hidden rows system-missing
    path = tmp_path / "estimates.sav"
    path.write_bytes(files["estimates.sav"])
    frame, meta = pyreadstat.read_sav(str(path))
    labels = meta.column_names_to_labels
    assert labels["estimate"].startswith("Estimate") and labels["ci_low"].startswith("95%")
    assert meta.variable_value_labels["suppressed"] == {0.0: "no", 1.0: "yes"}
    assert meta.variable_value_labels["area"][2.0] == "Wohlbefinden / Wellbeing"
    assert meta.variable_value_labels["statistic"] == {1.0: "mean", 2.0: "share"}
    assert len(frame) == len(stored.rows)
    for record in frame.to_dict("records"):
        key = (record["district_name"] if record["group"] not in ("all", "dont_know")
               else record["group"], record["measure"])
        if key in hidden:
            assert record["suppressed"] == 1.0
            assert all(math.isnan(record[c]) for c in NUMBERS), record
        else:
            assert math.isclose(record["estimate"], stored.rows[key]["estimate"], rel_tol=1e-9)
    # XLSX: the README and one sheet per area, German / English headers, hidden rows empty
    book = load_workbook(io.BytesIO(files["estimates.xlsx"]))
    assert book.sheetnames == SHEETS
    seen = 0
    for name in SHEETS[1:]:
        rows = list(book[name].iter_rows(values_only=True))
        headers = rows[0]
        assert "Schätzwert / Estimate" in headers and "Bezirk / District" in headers
        at = {h.split(" / ")[1]: k for k, h in enumerate(headers)}
        for values in rows[1:]:
            seen += 1
            group = values[at["Group"]]
            key = (values[at["District"]] if group not in ("all", "dont_know") else group,
                   values[at["Measure (id)"]])
            if key in hidden:
                assert values[at["Estimate"]] is None and values[at["Pupils"]] is None
                assert values[at["95% interval low"]] is None
            else:
                assert math.isclose(values[at["Estimate"]], stored.rows[key]["estimate"],
                                    rel_tol=1e-9)
    assert seen == len(stored.rows)
    assert "Mindestgruppengröße: 40" in " ".join(
        str(c.value) for c in book["README"]["A"] if c.value)


def test_geojson_is_valid_and_hidden_districts_carry_null(app, stored):
    data = json.loads(_package(app, stored)["districts.geojson"])
    assert data["type"] == "FeatureCollection"
    assert {f["properties"]["name"] for f in data["features"]} == set(stored.names.values())
    nulls = shown = 0
    for feature in data["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geometry = shape(feature["geometry"])
        assert geometry.is_valid and not geometry.is_empty
        assert -180 <= geometry.bounds[0] <= geometry.bounds[2] <= 180
        properties = feature["properties"]
        for (name, measure), row in stored.rows.items():
            if name != properties["name"]:
                continue
            if row["suppressed"]:
                nulls += 1
                assert properties[f"{measure}__suppressed"] is True
                assert all(properties[f"{measure}{part}"] is None for part in
                           ("", "__n", "__ci_low", "__ci_high", "__diff_city"))
            else:
                shown += 1
                assert math.isclose(properties[measure], row["estimate"], rel_tol=1e-9)
                assert properties[f"{measure}__n"] == row["n"]
    assert nulls > 10 and shown > 10


def test_definition_and_codebook_are_in_the_package(app, stored):
    files = _package(app, stored)
    assert b"life_satisfaction" in files["questionnaire.yaml"]
    codebook = list(csv.DictReader(io.StringIO(files["codebook.csv"].decode("utf-8-sig"))))
    kinds = {row["kind"] for row in codebook}
    assert kinds == {"item", "scale", "index"}
    scale = next(r for r in codebook if r["kind"] == "scale" and r["id"] == "life_satisfaction")
    items = scale["scales"].split(", ")
    wording = {r["id"]: r for r in codebook if r["kind"] == "item"}
    assert all(wording[i]["text_de"] and wording[i]["text_en"] for i in items)
    assert all("life_satisfaction" in wording[i]["scales"] for i in items)


def test_a_planner_of_another_municipality_gets_404(app, stored):
    client = planner_client(app, OTHER)
    assert client.get(_url(stored, "package.zip")).status_code == 404


def test_cli_writes_the_package_of_every_municipality(app, runner, stored, tmp_path):
    out = tmp_path / "out"
    done = runner.invoke(main, args=["report", "--wave", stored.wave_name, "--out", str(out)])
    assert done.exit_code == 0, done.output
    packages = list(out.glob("*_data.zip"))
    assert len(packages) == 1
    reports = sorted(p.name for p in out.glob("*.pdf"))
    assert reports == ["Musterstadt_2026_Musterstadt_report_de.pdf",
                       "Musterstadt_2026_Musterstadt_report_en.pdf"]
    assert all(p.read_bytes()[:5] == b"%PDF-" for p in out.glob("*.pdf"))
    with zipfile.ZipFile(packages[0]) as archive:
        assert set(archive.namelist()) == FILES
    missing = runner.invoke(main, args=["report", "--wave", "Gibt es nicht", "--out", str(out)])
    assert missing.exit_code != 0 and "no wave named" in missing.output
