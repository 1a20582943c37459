"""The data package of a wave (zip): estimates as CSV, XLSX and SPSS, districts as GeoJSON,
the questionnaire definition and its codebook.

Every file is written from the same stored rows (:mod:`.content`), so they never
disagree with each other or with the planner pages; a suppressed group keeps its
row (so that an analyst sees it exists and why it has no figure) with every
number empty (CSV, XLSX), system-missing (SPSS) or ``null`` (GeoJSON).
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from analysis.files import write_table
from survey_app.reports.codebook import codebook_csv
from survey_app.reports.content import AREAS, NUMBERS, WaveContent
from survey_app.services import questionnaires
from survey_app.services.table_download import safe_cell

#: Columns of the estimates table: (name, German header, English header, SPSS label).
COLUMNS = (
    ("area", "Bereich", "Area", "Area of the questionnaire"),
    ("group", "Gruppe", "Group", "Group (district id, all = whole municipality, dont_know)"),
    ("district_code", "Bezirksnummer", "District code", "District code"),
    ("district_name", "Bezirk", "District", "District name"),
    ("measure", "Kennzahl (Kürzel)", "Measure (id)", "Measure id (scale, category or index level)"),
    ("measure_de", "Kennzahl", "Measure (German)", "Measure (German label)"),
    ("measure_en", "Kennzahl (englisch)", "Measure", "Measure (English label)"),
    ("statistic", "Statistik", "Statistic", "Statistic (mean of a scale or share)"),
    ("n", "Anzahl Schüler/innen", "Pupils", "Pupils with a value"),
    ("estimate", "Schätzwert", "Estimate", "Estimate (shares as proportions 0-1)"),
    ("se", "Standardfehler", "Standard error", "Standard error"),
    ("ci_low", "95-%-Intervall unten", "95% interval low", "95% confidence interval, lower bound"),
    ("ci_high", "95-%-Intervall oben", "95% interval high",
     "95% confidence interval, upper bound"),
    ("df", "Freiheitsgrade", "Degrees of freedom", "Degrees of freedom"),
    ("diff_city", "Differenz zur Stadt", "Difference from the city",
     "Difference from the whole municipality"),
    ("p_value", "p-Wert", "p-value", "p-value of the difference from the municipality"),
    ("p_adjusted", "p-Wert (Holm)", "p-value (Holm)", "p-value adjusted over the districts (Holm)"),
    ("sae_estimate", "Kleinraumschätzung", "Small-area estimate",
     "Small-area estimate (Fay-Herriot)"),
    ("sae_rmse", "Kleinraumschätzung RMSE", "Small-area RMSE", "Root mean squared error of the "
     "small-area estimate"),
    ("suppressed", "Unterdrückt", "Suppressed", "Suppressed (group too small or derivable)"),
    ("suppression_reason", "Grund der Unterdrückung", "Why suppressed",
     "Why the figure is suppressed"),
    ("low_precision", "Geringe Genauigkeit", "Low precision",
     "Low precision (relative standard error over 30%)"),
)
_FLAG_LABELS = {0: "no", 1: "yes"}


def estimates_table(content: WaveContent) -> pd.DataFrame:
    """One row per stored (group, measure), in area and definition order, labelled."""
    frame = content.frame
    info = {m.id: m for m in content.measures}
    rows = []
    for measure in content.measures:
        part = frame[frame["measure"] == measure.id]
        order = {"all": 0, "dont_know": 2}
        part = part.assign(_o=[order.get(k, 1) for k in part["group_key"]]) \
            .sort_values(["_o", "district_code", "district_name"])
        for row in part.itertuples(index=False):
            record = {"area": measure.area, "group": row.group_key,
                      "district_code": row.district_code,
                      "district_name": (content.municipality.name if row.group_key == "all"
                                        else row.district_name),
                      "measure": measure.id, "measure_de": info[measure.id].label_de,
                      "measure_en": info[measure.id].label_en,
                      "statistic": measure.statistic}
            for column in NUMBERS:
                record[column] = getattr(row, column)
            record["suppressed"] = bool(row.suppressed)
            record["suppression_reason"] = row.suppression_reason or ""
            record["low_precision"] = None if row.low_precision is None \
                else bool(row.low_precision)
            rows.append(record)
    table = pd.DataFrame(rows).reindex(columns=[c[0] for c in COLUMNS])
    for column in NUMBERS:
        if column in table.columns and column != "n":
            table[column] = pd.to_numeric(table[column], errors="coerce").astype("Float64")
    table["n"] = pd.to_numeric(table["n"], errors="coerce").astype("Int64")
    return table


def _csv(table: pd.DataFrame) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = write_table(table, Path(folder) / "estimates.csv")
        return path.read_bytes()


def _sav(table: pd.DataFrame) -> bytes:
    """SPSS: area and statistic as labelled codes, flags as labelled 0/1."""
    spss = table.copy()
    areas = {area: k + 1 for k, (area, _de, _en) in enumerate(AREAS)}
    spss["area"] = spss["area"].map(areas).astype(float)
    spss["statistic"] = spss["statistic"].map({"mean": 1, "share": 2}).astype(float)
    for flag in ("suppressed", "low_precision"):
        spss[flag] = spss[flag].map({True: 1.0, False: 0.0})
    variable = {name: label for name, _de, _en, label in COLUMNS}
    values = {"area": {k + 1: f"{de} / {en}" for k, (_a, de, en) in enumerate(AREAS)},
              "statistic": {1: "mean", 2: "share"},
              "suppressed": _FLAG_LABELS, "low_precision": _FLAG_LABELS}
    with tempfile.TemporaryDirectory() as folder:
        path = write_table(spss, Path(folder) / "estimates.sav", variable_labels=variable,
                           value_labels=values)
        return path.read_bytes()


def _xlsx(content: WaveContent, table: pd.DataFrame) -> bytes:
    """A README sheet, then one sheet per area with German / English headers."""
    book = Workbook()
    readme = book.active
    readme.title = "README"
    for line in readme_lines(content):
        readme.append([safe_cell(line)])
    readme.column_dimensions["A"].width = 110
    headers = [f"{de} / {en}" for _n, de, en, _l in COLUMNS]
    for area, german, english in AREAS:
        sheet = book.create_sheet(f"{german} ({english})"[:31])
        sheet.append(headers)
        for record in table[table["area"] == area].itertuples(index=False):
            sheet.append([_cell(v) for v in record])
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return safe_cell(value)


def geojson(content: WaveContent) -> dict:
    """The municipality's districts with every measure's figures as properties.

    Per measure ``m``: ``m`` (the estimate), ``m__n``, ``m__ci_low``,
    ``m__ci_high``, ``m__diff_city`` and ``m__suppressed``; all ``null`` where
    the group is suppressed or has no answers.
    """
    frame = content.frame
    by_district = {(int(r.district_id), r.measure): r for r in frame.itertuples()
                   if pd.notna(r.district_id)}
    features = []
    for district in content.districts:
        properties = {"district_id": district.id, "code": district.code, "name": district.name,
                      "number": district.number}
        for measure in content.measures:
            row = by_district.get((district.id, measure.id))
            hidden = row is None or bool(row.suppressed)
            properties[measure.id] = None if hidden else _number(row.estimate)
            for part in ("n", "ci_low", "ci_high", "diff_city"):
                properties[f"{measure.id}__{part}"] = None if hidden \
                    else _number(getattr(row, part))
            properties[f"{measure.id}__suppressed"] = None if row is None \
                else bool(row.suppressed)
        try:
            geometry = json.loads(district.geometry) if district.geometry else None
        except ValueError:
            geometry = None
        features.append({"type": "Feature", "id": district.id, "geometry": geometry,
                         "properties": properties})
    return {"type": "FeatureCollection", "name": f"{content.wave.name} {content.municipality.name}",
            "features": features}


def _number(value):
    if value is None or value is pd.NA:
        return None
    value = float(value)
    if value != value:
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def readme_lines(content: WaveContent) -> list[str]:
    """What the package holds and how to read it, in German and English."""
    rs = content.result_set
    k = rs.min_group_size
    return [
        f"{content.wave.name} – {content.municipality.name}",
        f"Freigegeben / released: {rs.released_at:%Y-%m-%d}; berechnet / computed: "
        f"{rs.computed_at:%Y-%m-%d} aus / from {rs.shown_responses} Fragebögen / questionnaires; "
        f"Design: {rs.design}; Gewichtung / weighting: {rs.weighting}; "
        f"Fragebogen / questionnaire: {rs.questionnaire_id} {rs.questionnaire_version}.",
        "",
        f"Mindestgruppengröße: {k}. Für Gruppen mit weniger als {k} Schüler/innen (oder deren "
        "Wert sich aus veröffentlichten Zahlen errechnen ließe) ist jede Zahl leer.",
        f"Minimum group size: {k}. For a group of fewer than {k} pupils (or whose figure could be "
        "worked out from published ones) every number is empty.",
        "",
        "estimates.csv / estimates.xlsx / estimates.sav: eine Zeile je Gruppe und Kennzahl / one "
        "row per group and measure; Anteile als Dezimalzahl 0-1 / shares as proportions 0-1; "
        "95-%-Konfidenzintervalle / 95% confidence intervals; p_adjusted: Holm über die Bezirke / "
        "over the districts; sae_*: Kleinraumschätzung (Fay-Herriot) neben, nicht statt der "
        "direkten Schätzung / small-area estimate beside, not instead of the direct estimate.",
        "districts.geojson: Bezirke mit ihren Schätzwerten (WGS 84) / districts with their "
        "estimates; unterdrückte Werte sind null / suppressed values are null.",
        "questionnaire.yaml, codebook.csv: der Fragebogen und sein Codebuch / the questionnaire "
        "definition and its codebook.",
    ]


def definition_file(result_set, extra_dirs: str | None) -> Path | None:
    """The definition file the results were computed with (same id, version and hash)."""
    for path in questionnaires.definition_files(extra_dirs):
        found = questionnaires.check(path)
        if getattr(found, "id", None) == result_set.questionnaire_id and \
                found.version == result_set.questionnaire_version and \
                found.content_hash == result_set.questionnaire_hash:
            return path
    return None


def package_files(content: WaveContent, definition: Path | None) -> dict[str, bytes]:
    """Every file of the package by name."""
    table = estimates_table(content)
    files = {
        "README.txt": ("\n".join(readme_lines(content)) + "\n").encode("utf-8"),
        "estimates.csv": _csv(table),
        "estimates.xlsx": _xlsx(content, table),
        "estimates.sav": _sav(table),
        "districts.geojson": json.dumps(geojson(content), ensure_ascii=False,
                                        indent=1).encode("utf-8"),
    }
    if definition is not None:
        files["questionnaire.yaml"] = definition.read_bytes()
    if content.questionnaire is not None:
        files["codebook.csv"] = codebook_csv(content.questionnaire)
    return files


def package_zip(content: WaveContent, definition: Path | None) -> bytes:
    """The package as a zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in package_files(content, definition).items():
            archive.writestr(name, data)
    return buffer.getvalue()
