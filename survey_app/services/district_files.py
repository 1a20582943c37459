"""Reading the district files a city's GIS office exports, into one plain table.

Accepted: GeoJSON (any coordinate system: a legacy ``crs`` member, or the one
the admin chooses; RFC 7946 files are WGS 84), a zipped Shapefile (its
``.prj`` says the coordinate system), a GeoPackage, and a plain CSV of
district names (and numbers, and places) without geometry. Shapefile and
GeoPackage are read by GDAL through ``pyogrio``; every geometry is reprojected
to WGS 84 (``pyproj``) before it is checked and stored.

The upload is never handed to GDAL as it came: the format is recognised here
(a zip must hold exactly one ``.shp`` with its side files, a GeoPackage must
be an SQLite file with the GeoPackage application id), and only those files
are written to a private temporary folder for GDAL to read, so an upload
cannot make GDAL open other files or network addresses.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from flask_babel import gettext as _

from survey_app.input_checks import hidden_characters
from survey_app.services.csv_upload import csv_problem, decode_text

#: Coordinate systems German municipal GIS offices export, offered when a file does not say.
KNOWN_CRS = {
    "EPSG:4326": "WGS 84 (longitude/latitude)",
    "EPSG:25832": "ETRS89 / UTM zone 32N",
    "EPSG:25833": "ETRS89 / UTM zone 33N",
    "EPSG:31466": "DHDN / Gauss-Krüger zone 2",
    "EPSG:31467": "DHDN / Gauss-Krüger zone 3",
    "EPSG:31468": "DHDN / Gauss-Krüger zone 4",
    "EPSG:31469": "DHDN / Gauss-Krüger zone 5",
    "EPSG:3857": "WGS 84 / Pseudo-Mercator (web maps)",
}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: More districts than any municipality has: a file with more is refused before its rows
#: are built (found by attacking the import, issue 12: 18 million features from a
#: 245 KB zipped Shapefile, 30 million rows from a GeoPackage view, 1 million CSV rows).
MAX_DISTRICTS = 2000
#: More columns than a district file has (each is offered in three drop-downs).
MAX_FIELDS = 200
_SHAPE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg"}
_GPKG_ID = b"GPKG"


class UnreadableFile(ValueError):
    """The upload is not a district file we can read; ``problems`` say why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class DistrictTable:
    """What a file holds: its attribute fields, one row per feature, geometries in WGS 84.

    ``geometries`` is ``None`` for a CSV; an entry is ``None`` for a feature
    without geometry. ``crs`` names the coordinate system the file was in;
    ``problems`` lists features that could not be reprojected (by number).
    """

    kind: str
    fields: list[str]
    rows: list[dict[str, str]]
    geometries: list[dict | None] | None
    crs: str | None = None
    layers: list[str] = field(default_factory=list)
    layer: str | None = None
    problems: list[str] = field(default_factory=list)


def sniff(data: bytes, filename: str = "") -> str:
    """``geojson``, ``shapefile`` (zip), ``geopackage`` or ``csv``."""
    suffix = PurePosixPath(filename.lower()).suffix
    if data[:4] == b"PK\x03\x04":
        return "shapefile"
    if data[:16] == b"SQLite format 3\x00":
        return "geopackage"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"[") or suffix in (".geojson", ".json"):
        return "geojson"
    if suffix in (".shp", ".dbf", ".shx"):
        raise UnreadableFile([_("A Shapefile consists of several files: please upload them "
                                "together as one .zip file.")])
    return "csv"


def read_table(data: bytes, filename: str = "", crs: str | None = None,
               layer: str | None = None) -> DistrictTable:
    """Read an uploaded district file; ``crs`` overrides (or supplies) its coordinate system."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableFile([_("The file is larger than 50 MB.")])
    if not data.strip():
        raise UnreadableFile([_("The file is empty.")])
    kind = sniff(data, filename)
    if kind == "geojson":
        table = _read_geojson(data, crs)
    elif kind == "csv":
        table = _read_csv(data)
    else:
        table = _read_with_gdal(data, kind, crs, layer)
    _refuse_too_large(len(table.rows), len(table.fields))
    _refuse_hidden_characters(table)
    return table


def _refuse_too_large(districts: int, fields: int = 0) -> None:
    """Refuse a file of more than :data:`MAX_DISTRICTS` rows or :data:`MAX_FIELDS` fields
    (each reader calls it as soon as it knows a count, before building rows)."""
    if districts > MAX_DISTRICTS:
        raise UnreadableFile([_("The file holds more than %(n)d districts; a district file "
                                "holds one row or feature per district.", n=MAX_DISTRICTS)])
    if fields > MAX_FIELDS:
        raise UnreadableFile([_("The file has more than %(n)d columns.", n=MAX_FIELDS)])


def _refuse_hidden_characters(table: DistrictTable) -> None:
    """Names and numbers with control characters (a NUL cannot be stored in PostgreSQL) or a
    lone surrogate (JSON's ``\\ud800``: not text at all) are refused before any preview."""
    problems = []
    for number, row in enumerate(table.rows, start=1):
        bad = [key for key, value in row.items() if hidden_characters(key) or hidden_characters(value)]
        if bad:
            shown = ", ".join(key.encode("ascii", "replace").decode() for key in bad)
            problems.append(_("Feature %(n)d: the field %(field)s contains characters that are "
                              "not allowed.", n=number, field=shown))
    if problems:
        more = len(problems) - 10
        raise UnreadableFile(problems[:10] + ([_("… and %(n)d more.", n=more)] if more > 0 else []))


# --- GeoJSON ------------------------------------------------------------------------------

def _read_geojson(data: bytes, crs: str | None) -> DistrictTable:
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UnreadableFile([_("The file is not UTF-8 text.")]) from None
    except json.JSONDecodeError as error:
        raise UnreadableFile([_("The file is not valid JSON (line %(line)d, column %(col)d: "
                                "%(msg)s).", line=error.lineno, col=error.colno,
                                msg=error.msg)]) from None
    except RecursionError:  # brackets nested thousands deep: no district file is
        raise UnreadableFile([_("The file is nested too deeply to be GeoJSON.")]) from None
    except ValueError:  # a number of thousands of digits (Python's limit on int strings)
        raise UnreadableFile([_("The file holds a number too long to be a coordinate or "
                                "a value.")]) from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise UnreadableFile([_("The file is not a GeoJSON FeatureCollection.")])
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise UnreadableFile([_("The FeatureCollection has no features.")])
    _refuse_too_large(len(features))
    declared = _declared_crs(collection.get("crs"))
    source = crs or declared
    rows, geometries, problems = [], [], []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(_("Feature %(n)d: not a GeoJSON Feature.", n=number))
            rows.append({})
            geometries.append(None)
            continue
        properties = feature.get("properties")
        rows.append(_plain(properties if isinstance(properties, dict) else {}))
        geometries.append(feature.get("geometry"))
    table = DistrictTable("geojson", _field_names(rows), rows, geometries,
                          crs=source or "EPSG:4326", problems=problems)
    if source and source != "EPSG:4326":
        _reproject(table, source)
    return table


def _declared_crs(member) -> str | None:
    """The legacy GeoJSON ``crs`` member as ``EPSG:n`` (or its name), if any."""
    if not isinstance(member, dict):
        return None
    name = (member.get("properties") or {}).get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        from pyproj import CRS

        found = CRS.from_user_input(name)
    except Exception:  # noqa: BLE001 - pyproj raises its own error types for bad names
        return name
    epsg = found.to_epsg()
    return f"EPSG:{epsg}" if epsg else found.to_wkt()


# --- CSV ----------------------------------------------------------------------------------

def _read_csv(data: bytes) -> DistrictTable:
    text = decode_text(data)
    header = text.lstrip().splitlines()[0] if text.strip() else ""
    delimiter = max(";,\t", key=header.count)  # German spreadsheets write ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        if not reader.fieldnames or len([f for f in reader.fieldnames if f and f.strip()]) < 1:
            raise UnreadableFile([_("The CSV file has no header row.")])
        _refuse_too_large(0, len(reader.fieldnames))
        rows = []
        for row in reader:
            rows.append(_plain({k: v for k, v in row.items() if k is not None}))
            if len(rows) > MAX_DISTRICTS:
                break  # refused by read_table; reading on would cost time and memory
    except csv.Error as error:
        raise UnreadableFile([csv_problem(error)]) from None
    rows = [row for row in rows if any(row.values())]
    if not rows:
        raise UnreadableFile([_("The CSV file has no rows below its header.")])
    fields = [f.strip() for f in reader.fieldnames if f and f.strip()]
    return DistrictTable("csv", fields, rows, None)


# --- Shapefile and GeoPackage (GDAL) --------------------------------------------------------

def _read_with_gdal(data: bytes, kind: str, crs: str | None,
                    layer: str | None) -> DistrictTable:
    import pyogrio

    with tempfile.TemporaryDirectory(prefix="districts-") as folder:
        path = (_unpack_shapefile(data, folder) if kind == "shapefile"
                else _write_geopackage(data, folder))
        try:
            layers = [str(name) for name, geometry in pyogrio.list_layers(path)
                      if geometry is None or "polygon" in str(geometry).lower()]
            if not layers:
                raise UnreadableFile([_("The file has no layer of polygons.")])
            chosen = layer if layer in layers else layers[0]
            meta, _fids, wkbs, values = pyogrio.raw.read(path, layer=chosen, force_2d=True,
                                                         max_features=MAX_DISTRICTS + 1)
        except UnreadableFile:
            raise
        except Exception as error:  # noqa: BLE001 - GDAL reports many kinds of broken files
            lines = str(error).splitlines() or [type(error).__name__]  # MemoryError: no text
            raise UnreadableFile([_("The file cannot be read: %(error)s",
                                    error=lines[0][:200])]) from None
    names = [str(name) for name in meta["fields"]]
    rows = [_plain({name: column[i] for name, column in zip(names, values)})
            for i in range(len(wkbs))]
    geometries = [_geojson_geometry(wkb) for wkb in wkbs]
    source = crs or _epsg_or_wkt(meta.get("crs"))
    table = DistrictTable(kind, names, rows, geometries, crs=source, layers=layers, layer=chosen)
    if not rows:
        raise UnreadableFile([_("The layer %(layer)s has no features.", layer=chosen)])
    if source is None:
        table.problems.append(_("The file does not say which coordinate system it uses "
                                "(a Shapefile needs its .prj file): please choose it."))
    elif source != "EPSG:4326":
        _reproject(table, source)
    return table


def _unpack_shapefile(data: bytes, folder: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, ValueError):
        raise UnreadableFile([_("The .zip file cannot be opened.")]) from None
    parts = [m for m in members if PurePosixPath(m.filename).suffix.lower() in _SHAPE_PARTS
             and not PurePosixPath(m.filename).name.startswith(".")]
    shapes = [m for m in parts if m.filename.lower().endswith(".shp")]
    if len(shapes) != 1:
        raise UnreadableFile([_("The .zip file must hold exactly one Shapefile (.shp with its "
                                ".shx, .dbf and .prj); it holds %(n)d.", n=len(shapes))])
    stem = PurePosixPath(shapes[0].filename).with_suffix("")
    mine = [m for m in parts if PurePosixPath(m.filename).with_suffix("") == stem]
    suffixes = {PurePosixPath(m.filename).suffix.lower() for m in mine}
    missing = sorted({".shx", ".dbf"} - suffixes)
    if missing:
        raise UnreadableFile([_("The Shapefile in the .zip file lacks its %(parts)s file.",
                                parts=", ".join(missing))])
    if sum(m.file_size for m in mine) > 4 * MAX_UPLOAD_BYTES:
        raise UnreadableFile([_("The file is larger than 50 MB.")])
    for member in mine:
        target = os.path.join(folder, "districts" + PurePosixPath(member.filename).suffix.lower())
        with archive.open(member) as source, open(target, "wb") as out:
            out.write(source.read())
    return os.path.join(folder, "districts.shp")


def _write_geopackage(data: bytes, folder: str) -> str:
    if data[68:72] != _GPKG_ID:
        raise UnreadableFile([_("The file is an SQLite database but not a GeoPackage.")])
    path = os.path.join(folder, "districts.gpkg")
    with open(path, "wb") as out:
        out.write(data)
    return path


def _epsg_or_wkt(value) -> str | None:
    if not value:
        return None
    try:
        from pyproj import CRS

        found = CRS.from_user_input(value)
    except Exception:  # noqa: BLE001
        return str(value)
    epsg = found.to_epsg()
    return f"EPSG:{epsg}" if epsg else found.to_wkt()


def _geojson_geometry(wkb) -> dict | None:
    if wkb is None:
        return None
    import shapely

    try:
        # as GeoJSON has them: lists, not the tuples of ``mapping`` (which the checks refuse)
        return json.loads(shapely.to_geojson(shapely.from_wkb(wkb)))
    except Exception:  # noqa: BLE001 - a broken geometry is reported by the checks later
        return None


# --- shared -------------------------------------------------------------------------------

def _reproject(table: DistrictTable, source: str) -> None:
    """Reproject every geometry of ``table`` from ``source`` to WGS 84, in place."""
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        transformer = Transformer.from_crs(CRS.from_user_input(source), "EPSG:4326",
                                           always_xy=True)
    except CRSError:
        table.problems.append(_("The coordinate system %(crs)s is unknown.", crs=source[:80]))
        return
    for number, geometry in enumerate(table.geometries or [], start=1):
        if not isinstance(geometry, dict):
            continue
        try:
            table.geometries[number - 1] = {
                "type": geometry.get("type"),
                "coordinates": _transform(geometry.get("coordinates"), transformer)}
        except (TypeError, ValueError, IndexError, RecursionError):  # nested too deeply too
            table.geometries[number - 1] = {"type": geometry.get("type"), "coordinates": None}


def _transform(coordinates, transformer):
    """Apply ``transformer`` to nested position lists, rounding to 7 decimals (~1 cm)."""
    if (isinstance(coordinates, (list, tuple)) and coordinates
            and isinstance(coordinates[0], (int, float)) and not isinstance(coordinates[0], bool)):
        x, y = transformer.transform(coordinates[0], coordinates[1])
        if x != x or y != y or abs(x) == float("inf") or abs(y) == float("inf"):
            raise ValueError("position cannot be reprojected")
        return [round(x, 7), round(y, 7)]
    if not isinstance(coordinates, (list, tuple)):
        raise TypeError("not a list of positions")
    return [_transform(part, transformer) for part in coordinates]


def _plain(properties: dict) -> dict[str, str]:
    """Property values as trimmed text (lists joined with "; "), ``None`` as empty."""
    out = {}
    for key, value in properties.items():
        if value is None or (isinstance(value, float) and value != value):
            text = ""
        elif isinstance(value, (list, tuple)):
            text = "; ".join(str(v).strip() for v in value if str(v).strip())
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        else:
            text = str(value).strip()
        out[str(key).strip()] = text
    return out


def _field_names(rows: list[dict[str, str]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))
