"""The shipped instrument ``questionnaires/kinderwelten.yaml`` is complete and valid.

These tests pin what the city survey teams rely on: every construct of the design
is a scale in the right domain, every text exists in every declared language, the
indices and the demographic roles exist, and the file loads without a problem.
"""

from __future__ import annotations

import pytest
import yaml

from analysis.questionnaire.model import Questionnaire, WaveListItem
from questionnaires import SHIPPED

#: Every construct of the design (§1) with its domain.
CONSTRUCTS = {
    "adults_home": "environments",
    "adults_school": "environments",
    "adults_neighbourhood": "environments",
    "peer_belonging": "environments",
    "close_friends": "environments",
    "school_climate": "environments",
    "bullied": "environments",
    "activities": "environments",
    "activity_barriers": "environments",
    "neighbourhood": "environments",
    "life_satisfaction": "wellbeing",
    "optimism": "wellbeing",
    "self_esteem": "wellbeing",
    "sadness": "wellbeing",
    "worries": "wellbeing",
    "general_health": "wellbeing",
    "body_image": "wellbeing",
    "sleep": "wellbeing",
    "meals": "wellbeing",
    "empathy": "development",
    "prosocial": "development",
    "self_regulation": "development",
    "academic_self_concept": "development",
}

#: Scales where a high score is unfavourable: labels run from high to low.
UNFAVOURABLE_WHEN_HIGH = {"sadness", "worries", "bullied", "activity_barriers"}


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    """The shipped file parsed with the typed model only (no loader)."""
    with open(SHIPPED, encoding="utf-8") as f:
        return Questionnaire.model_validate(yaml.safe_load(f))


def test_loads_without_problems():
    from analysis.questionnaire import load, validate

    assert validate(SHIPPED) == []
    assert load(SHIPPED).id == "kinderwelten"


def test_size_fits_a_lesson(questionnaire):
    assert 140 <= len(questionnaire.items) <= 170
    assert 15 <= len(questionnaire.pages) <= 20


@pytest.mark.parametrize("scale_id, domain", sorted(CONSTRUCTS.items()))
def test_every_construct_is_a_scale(questionnaire, scale_id, domain):
    scale = questionnaire.scale(scale_id)
    assert scale.domain == domain
    assert scale.description
    assert scale.categories.rationale.strip()
    assert 1 <= scale.scoring.min_answered <= len(scale.items)
    expected = ["low", "medium", "high"][: len(scale.categories.labels)]
    if len(scale.categories.labels) == 2:
        expected = ["low", "high"]
    if scale_id in UNFAVOURABLE_WHEN_HIGH:
        expected = expected[::-1]
    assert list(scale.categories.labels) == expected


def test_every_scale_has_categories_with_rationale(questionnaire):
    for scale in questionnaire.scales:
        assert scale.categories.cuts, scale.id
        assert len(scale.categories.rationale) > 40, scale.id


def test_scales_use_existing_items_with_matching_range(questionnaire):
    for scale in questionnaire.scales:
        values = set()
        for code in scale.items:
            item = questionnaire.item(code)
            values |= set(questionnaire.answer_scale(item.answer_scale).values)
        assert tuple(scale.range) == (min(values), max(values)), scale.id


def _texts(obj):
    """Every multilingual text in a parsed YAML tree (dicts keyed by 'de')."""
    if isinstance(obj, dict):
        if "de" in obj and all(isinstance(v, str) for v in obj.values()):
            yield obj
        else:
            for value in obj.values():
                yield from _texts(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _texts(value)


def test_every_text_in_every_language():
    with open(SHIPPED, encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    codes = [lang["code"] for lang in raw["languages"]]
    assert codes[:2] == ["de", "en"]
    texts = list(_texts(raw))
    assert len(texts) > 250
    for text in texts:
        assert sorted(text) == sorted(codes), text
        assert all(value.strip() for value in text.values()), text


def test_unchecked_translations_are_marked(questionnaire):
    langs = {lang.code: lang for lang in questionnaire.languages}
    assert langs["de"].checked and langs["en"].checked
    for code in set(langs) - {"de", "en"}:
        assert not langs[code].checked, code
    if "ar" in langs:
        assert langs["ar"].direction == "rtl"


def test_indices_and_levels(questionnaire):
    indices = {index.id: index for index in questionnaire.indices}
    wellbeing = indices["wellbeing_index"]
    assert set(wellbeing.scales) == {"life_satisfaction", "optimism", "self_esteem",
                                     "general_health", "sadness"}
    assert [level.id for level in wellbeing.levels] == ["thriving", "low", "medium"]
    thriving = wellbeing.levels[0]
    assert thriving.at_least == {"high": 4} and thriving.at_most == {"low": 0}
    assert wellbeing.levels[1].at_least == {"low": 1}
    assets = indices["assets_index"]
    assert {"adults_home", "adults_school", "adults_neighbourhood", "peer_belonging",
            "close_friends"} <= set(assets.scales)
    for index in indices.values():
        assert index.min_scored <= len(index.scales)
        last = index.levels[-1]
        assert not last.at_least and not last.at_most, index.id
        assert index.rationale


def test_assets_for_asset_scales(questionnaire):
    by_scale = {asset.scale: asset for asset in questionnaire.assets}
    for scale_id in questionnaire.indices[1].scales:
        assert by_scale[scale_id].present_if == ("high",)


def test_demographic_roles(questionnaire):
    for role in ("grade", "gender", "district", "home_language"):
        assert questionnaire.item_by_role(role) is not None, role
    gender = questionnaire.answer_scale(questionnaire.item_by_role("gender").answer_scale)
    assert gender.prefer_not_to_say is not None
    assert len(gender.options) == 3  # girl, boy, diverse
    language = questionnaire.answer_scale(questionnaire.item_by_role("home_language").answer_scale)
    assert len(language.options) == 3  # only German / German and another / only another
    grade = questionnaire.answer_scale(questionnaire.item_by_role("grade").answer_scale)
    assert grade.values == tuple(range(5, 11))


def test_district_is_a_wave_list_with_dont_know(questionnaire):
    district = questionnaire.item_by_role("district")
    assert isinstance(district, WaveListItem)
    assert district.list == "districts"
    assert district.dont_know["en"] == "I don't know"


def test_bullying_offers_prefer_not_to_say(questionnaire):
    for code in questionnaire.scale("bullied").items:
        scale = questionnaire.answer_scale(questionnaire.item(code).answer_scale)
        assert scale.prefer_not_to_say is not None


def test_pages_have_titles_and_end_help_names_the_helpline(questionnaire):
    assert all(page.title for page in questionnaire.pages)
    assert sum(1 for page in questionnaire.pages if page.intro) >= 10
    assert set(questionnaire.end_help) == set(questionnaire.language_codes)
    assert all("116 111" in text for text in questionnaire.end_help.values())


def test_licence_and_reverse_items(questionnaire):
    assert "CC-BY-4.0" in questionnaire.licence
    reversed_items = [i for i in questionnaire.items if getattr(i, "reverse", False)]
    assert 5 <= len(reversed_items) <= 20
    # Negatively worded statements never show smileys (agreeing is not a happy face).
    for item in reversed_items:
        options = questionnaire.answer_scale(item.answer_scale).options
        assert all(o.icon is None for o in options), item.code
