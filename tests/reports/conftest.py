"""Fixtures of the report and data-package tests: the demo city with released results."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import District, Municipality, Region, ResultEstimate
from tests.results.conftest import add_planner, demo, release_demo_results  # noqa: F401
from tests.staff.conftest import cheap_password_hashing, login, world  # noqa: F401

#: The demo's districts have 18-54 pupils: with this threshold many groups are hidden.
THRESHOLD = 40
PLANNER = "planer@example.org"
OTHER = "planer-nachbar@example.org"


@dataclass
class Stored:
    """The demo's released results: what is stored and what is hidden."""

    wave_id: int
    wave_name: str
    municipality_id: int
    names: dict[int, str]
    #: (district name or group key, measure) -> stored row as a dict
    rows: dict[tuple[str, str], dict]

    def hidden(self) -> set[tuple[str, str]]:
        return {key for key, row in self.rows.items() if row["suppressed"]}


@pytest.fixture
def stored(app, demo) -> Stored:
    """The demo's results released with a high threshold, a planner of the city and one of
    another municipality."""
    with app.app_context():
        result_id = release_demo_results(min_group_size=THRESHOLD)
        names = {d.id: d.name for d in db.session.scalars(select(District).where(
            District.municipality_id == demo.municipality_id))}
        rows = {}
        for e in db.session.scalars(select(ResultEstimate).where(
                ResultEstimate.result_set_id == result_id,
                ResultEstimate.group_var == "district")):
            key = names.get(e.district_id) or e.group_key
            rows[(key, e.measure)] = {c: getattr(e, c) for c in (
                "n", "estimate", "ci_low", "ci_high", "suppressed", "district_id")}
        add_planner(PLANNER, [demo.municipality_id])
        other = Municipality(name="Nachbarstadt", region=Region(name="Nachbarkreis"))
        db.session.add(other)
        db.session.commit()
        add_planner(OTHER, [other.id])
    return Stored(demo.wave_id, demo.wave_name, demo.municipality_id, names, rows)


def planner_client(app, email: str = PLANNER):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def assert_accessible_pdf(data: bytes, lang: str, title_part: str) -> None:
    """The PDF is tagged (PDF/UA-1: a structure tree, marked content) and carries its
    language and a title that viewers show instead of the file name."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root, "not tagged"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == lang
    assert title_part in (reader.metadata.title or "")
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    kids = root["/StructTreeRoot"].get_object()["/K"]
    assert kids, "an empty structure tree"


def render_first_pages(data: bytes, folder, pages: int) -> list:
    """Render the first ``pages`` pages to PNG with pdftoppm (poppler) and return the files."""
    import subprocess

    pdf = folder / "document.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", str(pages), str(pdf),
                    str(folder / "page")], check=True, timeout=120)
    return sorted(folder.glob("page-*.png"))
