"""Write the sample district files of this folder from the demo city (Musterstadt).

Run from the repository root: ``.venv/bin/python docs/samples/make_samples.py``.
The demo city's districts (WGS 84) are reprojected to ETRS89 / UTM zone 32N
(EPSG:25832), the system most German municipal GIS offices export, with the
field names such offices use (``STT_NR``, ``STT_NAME``) and a field of
well-known places (``ORTE``).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from pyproj import Transformer

from survey_app.demo.seed import DISTRICT_NAMES, district_polygon

HERE = Path(__file__).parent
PLACES = {
    "Altstadt": "Rathaus; Marktplatz; Hauptbahnhof",
    "Nordviertel": "Gesamtschule Nord; Freibad Nord",
    "Am Hafen": "Gesamtschule Hafen; Hafenbecken",
    "Ostfeld": "Realschule Ostfeld",
    "Südpark": "Gymnasium am Park; Stadtpark",
    "Westend": "Sekundarschule West; Bahnhof West",
    "Zechenfeld": "Förderturm; Halde Zechenfeld",
}


def main() -> None:
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    features, rows = [], []
    for index, name in enumerate(DISTRICT_NAMES):
        ring = json.loads(district_polygon(index))["coordinates"][0]
        utm = [[round(v, 2) for v in to_utm.transform(lon, lat)] for lon, lat in ring]
        number = f"{index + 1:02d}"
        features.append({"type": "Feature",
                         "properties": {"STT_NR": number, "STT_NAME": name,
                                        "ORTE": PLACES.get(name, "")},
                         "geometry": {"type": "Polygon", "coordinates": [utm]}})
        rows.append({"STT_NR": number, "STT_NAME": name, "ORTE": PLACES.get(name, "")})
    collection = {"type": "FeatureCollection", "name": "stadtteile_musterstadt",
                  "crs": {"type": "name",
                          "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
                  "features": features}
    (HERE / "districts_epsg25832.geojson").write_text(
        json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    with open(HERE / "districts_names.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["STT_NR", "STT_NAME", "ORTE"], delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
