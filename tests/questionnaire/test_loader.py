"""The loader turns a YAML file into a frozen questionnaire, or into clear problems.

Survey teams edit these files by hand; whatever they save, the loader must
answer with ``file:line: message`` problems, never with a traceback.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pydantic import ValidationError

from analysis.questionnaire import (
    Problem,
    Questionnaire,
    QuestionnaireError,
    RatingItem,
    load,
    validate,
)

SMALL = Path(__file__).parent / "files" / "small.yaml"


def write(tmp_path: Path, content: str | bytes, name: str = "q.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = SMALL.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the test's anchor {old!r} must occur once in small.yaml"
    return write(tmp_path, text.replace(old, new))


def test_small_example_loads_with_every_part():
    q = load(SMALL)
    assert (q.id, q.version, q.language_codes) == ("small_example", "1.0", ("de", "en"))
    assert [p.id for p in q.pages] == ["about_you", "feelings"]
    assert len(q.items) == 10
    assert isinstance(q.item("happy_3"), RatingItem) and q.item("happy_3").reverse
    assert q.item("club_name").show_if.item == "club"
    assert q.scale("sadness").categories.labels == ("high", "medium", "low")
    assert q.item_by_role("district").code == "district"
    assert q.answer_scale("agree4").all_values == (1, 2, 3, 4, 99)
    assert q.indices[0].levels[-1].id == "medium"
    assert validate(SMALL) == []


def test_content_hash_is_the_sha256_of_the_bytes(tmp_path):
    raw = SMALL.read_bytes()
    assert load(SMALL).content_hash == hashlib.sha256(raw).hexdigest()
    changed = write(tmp_path, raw + b"# a comment changes the bytes, not the content\n")
    other = load(changed)
    assert other.content_hash != load(SMALL).content_hash
    assert other.content_hash == hashlib.sha256(changed.read_bytes()).hexdigest()


def test_loaded_objects_are_frozen():
    q = load(SMALL)
    with pytest.raises(ValidationError):
        q.version = "2.0"
    with pytest.raises(ValidationError):
        q.pages[0].items[0].required = True
    with pytest.raises(TypeError):
        q.title["de"] = "Anders"
    with pytest.raises(AttributeError):
        q.pages.append(q.pages[0])


def test_load_raises_with_every_problem_and_its_line(tmp_path):
    path = edited(tmp_path, "        reverse: true\n", "        revers: true\n")
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    (problem,) = caught.value.problems
    assert problem == Problem(str(path), 63, problem.message)
    assert "unknown field 'revers' (did you mean 'reverse'?)" in problem.message
    assert str(caught.value) == f"{path}:63: {problem.message}"
    assert isinstance(caught.value, ValueError)


def test_structural_mistakes_are_all_reported_at_once(tmp_path):
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace('version: "1.0"', "version: 1.0").replace("min: 5", "min: five")
    problems = validate(write(tmp_path, text))
    assert [p.line for p in problems] == [3, 36]
    assert "version: must be text" in problems[0].message
    assert "min: must be a whole number, not 'five'" in problems[1].message


@pytest.mark.parametrize(("content", "line", "expected"), [
    (b"", 1, "the file is empty"),
    (b"# only a comment\n\n", 1, "the file is empty"),
    (b"- id: a\n- id: b\n", 1, "top level must be a mapping"),
    (b"just a sentence\n", 1, "top level must be a mapping"),
    (b"id: x\n\x89PNG\r\n\x1a\n\x00\x00", 2, "not UTF-8"),
    (b"id: x\ntitle: \xe4rger\n", 2, "not UTF-8"),
    (b"id: x\n  title: [\n", 2, "YAML syntax error"),
    (b"id: x\nbad: \x07bell\n", 2, "control character #x07"),
], ids=["empty", "comments-only", "list", "scalar", "binary", "latin1", "syntax", "control-char"])
def test_garbage_gives_a_problem_not_a_traceback(tmp_path, content, line, expected):
    path = write(tmp_path, content)
    (problem,) = validate(path)
    assert (problem.file, problem.line) == (str(path), line)
    assert expected in problem.message
    with pytest.raises(QuestionnaireError):
        load(path)


def test_missing_file_and_directory_are_problems(tmp_path):
    missing = tmp_path / "nope.yaml"
    assert validate(missing) == [Problem(str(missing), 0, "file not found")]
    (problem,) = validate(tmp_path)
    assert "is a directory" in problem.message


def test_byte_order_mark_is_accepted(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + SMALL.read_bytes())
    assert load(path).id == "small_example"


def test_yes_and_no_stay_text_and_norwegian_is_a_language(tmp_path):
    """YAML 1.1 would read ``No`` as false and the key ``no`` (Norwegian) as a boolean."""
    text = SMALL.read_text(encoding="utf-8").replace('en: "No"', "en: No")
    q = load(write(tmp_path, text))
    assert q.answer_scale("yes_no").options[1].label["en"] == "No"
    text = text.replace("  - {code: en, name: English}\n",
                        "  - {code: en, name: English}\n  - {code: no, name: Norsk}\n")
    problems = validate(write(tmp_path, text))
    assert problems and all("the Norsk ('no') text is missing" in p.message for p in problems)


def test_anchors_and_merge_keys_work(tmp_path):
    text = SMALL.read_text(encoding="utf-8").replace(
        "    prefer_not_to_say: {value: 99, label: {de: Möchte ich nicht sagen, en: I'd rather not say}}\n"
        "  - id: yes_no",
        "    prefer_not_to_say: &pnts {value: 99, label: {de: Möchte ich nicht sagen, en: No answer}}\n"
        "  - id: yes_no", 1,
    ).replace(
        "    prefer_not_to_say: {value: 99, label: {de: Möchte ich nicht sagen, en: I'd rather not say}}\n"
        "pages:",
        "    prefer_not_to_say: {<<: *pnts, value: 98}\npages:",
    )
    q = load(write(tmp_path, text))
    pnts = q.answer_scale("gender").prefer_not_to_say
    assert (pnts.value, pnts.label["en"]) == (98, "No answer")


def test_content_hash_in_the_file_is_rejected(tmp_path):
    path = edited(tmp_path, 'version: "1.0"\n', 'version: "1.0"\ncontent_hash: abc\n')
    (problem,) = validate(path)
    assert problem.line == 4 and "remove 'content_hash'" in problem.message


def test_valid_file_passes_through_load_as_questionnaire(tmp_path):
    path = write(tmp_path, SMALL.read_text(encoding="utf-8"), name="copy.yml")
    assert isinstance(load(str(path)), Questionnaire)


def test_deep_nesting_and_alias_bombs_are_refused_quickly(tmp_path):
    deep = write(tmp_path, "id: " + "[" * 3000 + "]" * 3000 + "\n", name="deep.yaml")
    assert "nested too deeply" in validate(deep)[0].message
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for prev, name in zip("abcdefg", "bcdefgh"):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    bomb = write(tmp_path, "\n".join(lines) + "\n", name="bomb.yaml")
    (problem,) = validate(bomb)
    assert "aliases" in problem.message


def edits(tmp_path: Path, *pairs: tuple[str, str]) -> tuple[Path, str]:
    text = SMALL.read_text(encoding="utf-8")
    for old, new in pairs:
        assert text.count(old) == 1, f"the test's anchor {old!r} must occur once"
        text = text.replace(old, new)
    return write(tmp_path, text), text


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def test_asset_category_that_its_scale_never_produces(tmp_path):
    path, text = edits(tmp_path, ("cuts: [2.0, 3.0]\n      labels: [low, medium, high]",
                                  "cuts: [2.5]\n      labels: [low, high]"),
                       ("present_if: [high]", "present_if: [high, medium]"))
    assert [(p.line, p.message) for p in validate(path)] == [(
        line_of(text, "present_if"), "assets[0].present_if[1]: scale 'life_satisfaction' never "
                                     "gives the category 'medium' (its categories: high, low)")]


def test_index_levels_that_can_never_match(tmp_path):
    path, text = edits(
        tmp_path,
        ("at_least: {high: 2}, at_most: {low: 0}}", "at_least: {low: 1}, at_most: {low: 0}}"),
        ("- {id: low, label: {de: Niedrig, en: Low}, at_least: {low: 1}}",
         "- {id: low, label: {de: Niedrig, en: Low}}"),
        ("scales: [life_satisfaction, sadness]", "scales: [life_satisfaction, sadness, sadness]"),
    )
    messages = {p.message: p.line for p in validate(path)}
    assert messages == {
        "indices[0].scales[2]: scale 'sadness' is listed twice":
            line_of(text, "scales: [life_satisfaction, sadness, sadness]"),
        "indices[0].levels[0].at_least.low: at_least 1 contradicts at_most 0":
            line_of(text, "id: thriving"),
        "indices[0].levels[1]: a level without bounds matches everyone, so the levels after "
        "it can never be reached": line_of(text, "id: low"),
    }


def test_condition_values_must_fit_the_item_asked(tmp_path):
    path, text = edits(tmp_path, ("show_if: {item: club, in: [1]}",
                                  "show_if: {item: grade, in: [4, 5, '6']}"))
    (problem,) = validate(path)
    assert problem.line == line_of(text, "show_if")
    assert problem.message == ("pages[1].items[6].show_if.in: 'grade' can never be 4, '6' "
                               "(possible: whole numbers from 5 to 10)")
    path, _ = edits(tmp_path, ("show_if: {item: club, in: [1]}",
                               "show_if: {item: district, in: [nord, dont_know]}"))
    assert validate(path) == []


def test_grade_item_must_offer_every_grade_of_the_questionnaire(tmp_path):
    path, text = edits(tmp_path, ("        max: 10\n", "        max: 9\n"))
    (problem,) = validate(path)
    assert problem.line == line_of(text, "code: grade")
    assert "does not offer every grade of 'grades: [5, 10]'" in problem.message


def test_the_readme_example_is_valid_and_matches_small_yaml(tmp_path):
    readme = (Path(__file__).parents[2] / "questionnaires" / "README.md").read_text("utf-8")
    example = readme.split("## A complete example", 1)[1].split("```yaml\n", 1)[1]
    example = example.split("```", 1)[0]
    assert example == SMALL.read_text(encoding="utf-8")
    assert validate(write(tmp_path, example)) == []
