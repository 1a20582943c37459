"""The district question: alphabetical list, places for the search, a map to tap."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from survey_app.demo.seed import district_polygon
from survey_app.extensions import db
from survey_app.models import District, Municipality
from survey_app.pupil import districts as module
from survey_app.pupil.districts import sort_key
from survey_app.services.svg_map import draw
from tests.pupil.helpers import Pupil


def _add_districts(app, names_places: dict[str, list[str]]):
    with app.app_context():
        town = db.session.scalar(select(Municipality))
        for index, (name, places) in enumerate(names_places.items()):
            db.session.add(District(municipality=town, code=f"{20 + index}", name=name,
                                    places=json.dumps(places) if places else None))
        db.session.commit()


def test_districts_are_listed_alphabetically_as_a_german_reader_expects(app, city, pupil):
    _add_districts(app, {"Stadtteil 10": [], "Ölberg": [], "Stadtteil 2": [], "Altstadt": []})
    page = pupil.begin(city.codes[0])
    names = re.findall(r'<span class="option-text">([^<]+)</span>', page.text)
    districts = names[names.index("Altstadt"):][:7]
    assert districts == ["Altstadt", "Mitte", "Nord", "Ölberg", "Stadtteil 2", "Stadtteil 10",
                         "Süd"]


def test_each_district_carries_its_places_for_the_search(app, city, pupil):
    _add_districts(app, {"Hafen": ["Gesamtschule Hafen", "Bahnhof West"]})
    page = pupil.begin(city.codes[0])
    assert 'data-search="Hafen|Gesamtschule Hafen|Bahnhof West"' in page.text
    assert 'data-search="Nord"' in page.text
    assert '<div class="district-search" data-for="q_district" hidden>' in page.text


def test_the_map_links_each_shape_to_its_choice_and_marks_the_stored_answer(app, city, pupil):
    with app.app_context():
        ids = {}
        for index, district in enumerate(db.session.scalars(select(District))):
            district.geometry = district_polygon(index)
            ids[district.name] = str(district.id)
        db.session.commit()
    pupil.begin(city.codes[0])
    pupil.post(1, {"district": ids["Süd"]}, action="save")
    page = pupil.open(1)
    for name, key in ids.items():
        assert f'<g class="district" data-choice="{key}"><title>{name}</title>' in page.text
        assert f'id="q_district-' in page.text and f'value="{key}"' in page.text
    chosen = re.findall(r'<g class="district" data-choice="(\d+)"><title>[^<]+</title>\s*'
                        r'<path d="[^"]+" class="district-shape chosen"', page.text)
    assert chosen == [ids["Süd"]]


def test_sort_key_folds_case_umlauts_and_sharp_s():
    names = ["Zeche", "süd", "Süderfeld", "Straße 3", "Strasse 12", "Äppelallee", "Ahorn"]
    assert sorted(names, key=sort_key) == ["Ahorn", "Äppelallee", "Straße 3", "Strasse 12",
                                           "süd", "Süderfeld", "Zeche"]


def test_the_svg_map_places_labels_inside_and_skips_what_it_cannot_draw():
    big = {"type": "Polygon", "coordinates": [[[7.0, 51.0], [7.2, 51.0], [7.2, 51.1],
                                               [7.0, 51.1], [7.0, 51.0]]]}
    small = {"type": "MultiPolygon", "coordinates": [
        [[[7.2, 51.0], [7.205, 51.0], [7.205, 51.1], [7.2, 51.1], [7.2, 51.0]]],
        [[[7.3, 51.0], [7.3001, 51.0], [7.3001, 51.0001], [7.3, 51.0]]]]}
    drawn = draw([("1", "Weitmar-Mitte", big), ("2", "Schmal", small),
                  ("3", "Kaputt", "not json"), ("4", "Punkt", {"type": "Point",
                                                               "coordinates": [7, 51]})])
    assert [s.key for s in drawn.shapes] == ["1", "2"]
    first, second = drawn.shapes
    assert 0 < first.x < second.x <= drawn.width and 0 < first.y < drawn.height
    assert first.label_fits and not second.label_fits  # a thin sliver gets no label
    assert second.path.count("M") == 2  # both parts of the MultiPolygon
    assert draw([("1", "x", None)]) is None


def test_the_svg_map_keeps_a_detailed_boundary_small():
    import math

    circle = [[7.0 + 0.05 * math.cos(t / 20000 * 2 * math.pi),
               51.0 + 0.03 * math.sin(t / 20000 * 2 * math.pi)] for t in range(20000)]
    circle.append(circle[0])  # a GIS boundary with a point every metre or so
    drawn = draw([("1", "Rund", {"type": "Polygon", "coordinates": [circle]})])
    points = drawn.shapes[0].path.count(",")
    assert 200 < points < 2000  # thinned to about one point per 1.5 units, still round
    assert drawn.shapes[0].path.endswith("Z")


def _shapes(html: str) -> dict[str, str]:
    """``{district name: SVG path}`` of the map on a page."""
    return dict(re.findall(r'<g class="district" data-choice="\d+"><title>([^<]+)</title>\s*'
                           r'<path d="([^"]+)"', html))


def _give_shapes(app) -> dict[str, int]:
    with app.app_context():
        ids = {}
        for index, district in enumerate(db.session.scalars(select(District))):
            district.geometry = district_polygon(index)
            ids[district.name] = district.id
        db.session.commit()
        return ids


def test_the_map_is_drawn_once_for_every_pupil_and_view_while_the_districts_stay(
        app, city, pupil, monkeypatch):
    """Every pupil starts on the district question: issue 12 found each view reading
    every geometry and drawing the map again, twice the cost of any other page."""
    ids = _give_shapes(app)
    drawn = []
    monkeypatch.setattr(module, "district_map",
                        lambda found: drawn.append(1) or module.draw(
                            (str(d.id), d.name, d.geometry) for d in found))
    first = pupil.begin(city.codes[0])
    assert len(_shapes(first.text)) == 3
    pupil.open(1)
    saved = pupil.post(1, {"district": str(ids["Süd"])}, action="save")
    assert _shapes(saved.text) == _shapes(first.text)
    other = Pupil(app.test_client())
    assert _shapes(other.begin(city.codes[1]).text) == _shapes(first.text)
    assert len(drawn) == 1


def test_a_changed_added_or_removed_district_shows_at_the_next_view(app, city, pupil):
    """The kept map is never stale: a file import or an edit shows to the next pupil."""
    ids = _give_shapes(app)
    before = _shapes(pupil.begin(city.codes[0]).text)
    with app.app_context():
        moved = db.session.get(District, ids["Nord"])
        moved.geometry = district_polygon(7)
        db.session.get(District, ids["Süd"]).name = "Südstadt"
        db.session.commit()
    after = _shapes(pupil.open(1).text)
    assert after["Nord"] != before["Nord"]  # moved (and the map around it re-fitted)
    assert "Südstadt" in after and "Süd" not in after

    _add_districts(app, {"Hafen": ["Bahnhof West"]})
    page = pupil.open(1).text
    assert 'data-search="Hafen|Bahnhof West"' in page
    with app.app_context():
        db.session.delete(db.session.scalar(select(District).where(District.name == "Hafen")))
        db.session.commit()
    assert "Hafen" not in pupil.open(1).text


def test_each_update_of_a_district_counts_up_its_revision(app, city):
    with app.app_context():
        district = db.session.scalar(select(District))
        assert district.revision == 1
        district.places = json.dumps(["Rathaus"])
        db.session.commit()
        district.name = district.name + " (neu)"
        db.session.commit()
        assert district.revision == 3
