"""``wellbeing questionnaire validate``: one ``file:line: message`` per mistake, exit 1.

Each case below is a mistake a survey team can make while editing a definition
by hand. The broken file is small.yaml with one edit; the test asserts the exit
status, the exact line (found by a marker in the broken text) and that the
message names the problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from survey_app.cli.questionnaire import questionnaire

SMALL = Path(__file__).parent / "files" / "small.yaml"
SHIPPED = Path(__file__).parents[2] / "questionnaires" / "kinderwelten.yaml"


def run(*paths) -> tuple[int, list[str]]:
    result = CliRunner().invoke(questionnaire, ["validate", *map(str, paths)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.splitlines()


def line_of(text: str, marker: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line containing ``marker``."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    return hits[nth - 1]


#: (test id, text in small.yaml, replacement, marker of the expected line, nth, message part)
MISTAKES = [
    ("unknown-field", "        reverse: true\n", "        revers: true\n", "revers:", 1,
     "pages[1].items[2]: unknown field 'revers' (did you mean 'reverse'?)"),
    ("unknown-item-type", "      - code: club\n        type: yes_no",
     "      - code: club\n        type: yesno", "type: yesno", 1,
     "unknown item type 'yesno' (did you mean 'yes_no'?)"),
    ("missing-item-type", "      - code: happy_2\n        type: rating\n", "      - code: happy_2\n",
     "code: happy_2", 1, "pages[1].items[1]: missing field 'type'"),
    ("missing-field", "    domain: wellbeing\n    items: [sad_1, sad_2]",
     "    items: [sad_1, sad_2]", "id: sadness", 1, "scales[1]: missing field 'domain'"),
    ("unquoted-version", 'version: "1.0"', "version: 1.0", "version:", 1,
     "version: must be text, not the number 1.0: put the value in quotes"),
    ("bad-language-key", "title: {de: Kleines Beispiel,", "title: {DE: Kleines Beispiel,",
     "title:", 1, "'DE' is not a language code"),
    ("bad-id", "  - id: feelings", "  - id: Feelings", "id: Feelings", 1,
     "'Feelings' is not a valid id"),
    ("duplicate-key", "        min: 5\n", "        min: 5\n        min: 4\n", "min: 4", 1,
     "key 'min' appears twice"),
    ("yaml-syntax", "        max: 10\n", "        max: 10\n       bad indent: x\n", "bad indent", 1,
     "YAML syntax error"),
    ("wrong-value-type", "max_length: 80", "max_length: eighty", "max_length", 1,
     "max_length: must be a whole number, not 'eighty'"),
    ("duplicate-item-code", "      - code: sad_2\n", "      - code: sad_1\n", "code: sad_1", 2,
     "item code 'sad_1' is used twice (first at pages[1].items[3].code)"),
    ("duplicate-page-id", "  - id: feelings", "  - id: about_you", "id: about_you", 2,
     "page id 'about_you' is used twice"),
    ("duplicate-answer-scale-id", "  - id: gender\n", "  - id: agree4\n", "id: agree4", 2,
     "answer scale id 'agree4' is used twice"),
    ("unknown-answer-scale", "        answer_scale: gender\n", "        answer_scale: genders\n",
     "answer_scale: genders", 1, "unknown answer scale 'genders'"),
    ("yes-no-needs-two-options", "        type: yes_no\n        answer_scale: yes_no",
     "        type: yes_no\n        answer_scale: gender", "answer_scale: gender", 2,
     "needs an answer scale with exactly 2 options; 'gender' has 3"),
    ("duplicate-option-value", "{value: 0, label: {de: Nein", "{value: 1, label: {de: Nein",
     "Nein", 1, "option value '1' is used twice"),
    ("prefer-not-to-say-collides", "prefer_not_to_say: {value: 99, label: {de: Möchte ich nicht "
     "sagen, en: I'd rather not say}}\n  - id: yes_no", "prefer_not_to_say: {value: 4, label: "
     "{de: Möchte ich nicht sagen, en: I'd rather not say}}\n  - id: yes_no", "value: 4, label: {de: M",
     1, "prefer_not_to_say value 4 is also the value of an option"),
    ("number-min-above-max", "        min: 5\n", "        min: 11\n", "min: 11", 1,
     "min (11) must be smaller than max (10)"),
    ("scale-unknown-item", "items: [sad_1, sad_2]", "items: [sad_1, sad_3]", "sad_3", 1,
     "scales[1].items[1]: unknown item 'sad_3'"),
    ("scale-item-twice", "items: [sad_1, sad_2]", "items: [sad_1, sad_2, sad_1]",
     "[sad_1, sad_2, sad_1]", 1, "item 'sad_1' is listed twice"),
    ("scale-unscorable-item", "items: [sad_1, sad_2]", "items: [sad_1, sad_2, grade]",
     "[sad_1, sad_2, grade]", 1, "item 'grade' is a number item and cannot be scored"),
    ("scale-mixed-ranges", "items: [sad_1, sad_2]", "items: [sad_1, sad_2, club]",
     "[sad_1, sad_2, club]", 1, "must share one answer range"),
    ("scale-range-mismatch", "    range: [1, 4]\n    categories:\n      cuts: [2.0, 3.0]\n      "
     "labels: [high", "    range: [0, 4]\n    categories:\n      cuts: [2.0, 3.0]\n      "
     "labels: [high", "range: [0, 4]", 1, "range must be [1, 4]"),
    ("min-answered-too-high", "min_answered: 1}", "min_answered: 3}", "min_answered: 3", 1,
     "min_answered is 3 but the scale has only 2 items"),
    ("cuts-not-ascending", "cuts: [2.0, 3.0]\n      labels: [low", "cuts: [3.0, 2.0]\n      labels: [low",
     "cuts: [3.0, 2.0]", 1, "cuts must be strictly ascending"),
    ("cut-outside-range", "cuts: [2.0, 3.0]\n      labels: [high", "cuts: [2.0, 4.5]\n      labels: [high",
     "cuts: [2.0, 4.5]", 1, "cut 4.5 lies outside the scale's range"),
    ("labels-count", "labels: [low, medium, high]", "labels: [low, high]", "labels: [low, high]", 1,
     "2 cuts make 3 categories, so there must be 3 labels, not 2"),
    ("labels-not-monotone", "labels: [high, medium, low]", "labels: [medium, high, low]",
     "labels: [medium, high, low]", 1, "labels must run from low to high"),
    ("missing-translation", 'en: "Are you in a club?"}', 'fr: "Es-tu dans un club?"}', "Es-tu", 1,
     "the English ('en') text is missing"),
    ("undeclared-language", 'en: "Which club?"}', 'en: "Which club?", tr: "Hangi kulüp?"}', "Hangi", 1,
     "text in 'tr', which is not one of the declared languages (de, en)"),
    ("show-if-unknown-item", "show_if: {item: club,", "show_if: {item: clubs,", "show_if", 1,
     "unknown item 'clubs'"),
    ("show-if-itself", "show_if: {item: club,", "show_if: {item: club_name,", "show_if", 1,
     "an item cannot depend on its own answer"),
    ("show-if-later-item", "        answer_scale: yes_no\n",
     "        answer_scale: yes_no\n        show_if: {item: club_name, in: [x]}\n", "show_if", 1,
     "'club_name' comes later; a condition may only use items asked before this one"),
    ("show-if-impossible-value", "in: [1]}", "in: [1, 2]}", "show_if", 1,
     "'club' can never be 2 (possible: 1, 0)"),
    ("index-unknown-scale", "scales: [life_satisfaction, sadness]",
     "scales: [life_satisfaction, sadnes]", "sadnes]", 1, "unknown scale 'sadnes'"),
    ("min-scored-too-high", "min_scored: 2", "min_scored: 3", "min_scored", 1,
     "min_scored is 3 but the index has only 2 scales"),
    ("level-bound-too-high", "at_least: {high: 2}", "at_least: {high: 3}", "at_least: {high: 3}",
     1, "at_least 3 'high' is more than the index's 2 scales"),
    ("last-level-has-bounds", "{id: medium, label: {de: Mittel, en: Medium}}",
     "{id: medium, label: {de: Mittel, en: Medium}, at_most: {low: 1}}", "id: medium", 1,
     "the last level must have no at_least/at_most bounds"),
    ("duplicate-level-id", "- {id: low, label: {de: Niedrig", "- {id: thriving, label: {de: Niedrig",
     "Niedrig", 1, "level id 'thriving' is used twice"),
    ("asset-unknown-scale", "    scale: life_satisfaction\n", "    scale: life_satisfactio\n",
     "scale: life_satisfactio", 1, "unknown scale 'life_satisfactio'"),
    ("asset-category-unknown-word", "present_if: [high]", "present_if: [medium, top]",
     "present_if", 1, "'top' is not allowed here; use one of: low, medium, high"),
    ("role-used-twice", "        role: gender\n", "        role: grade\n", "role: grade", 2,
     "role 'grade' is already used by pages[0].items[0]"),
    ("district-role-type", "        role: gender\n", "        role: district\n",
     "type: single_choice", 1,
     "an item with role 'district' must have type wave_list, not single_choice"),
    ("grades-reversed", "grades: [5, 10]", "grades: [10, 5]", "grades:", 1,
     "grades are reversed"),
    ("grades-outside-school", "grades: [5, 10]", "grades: [5, 14]", "grades:", 1,
     "grades must lie between 1 and 13"),
    ("duplicate-language", "  - {code: en, name: English}", "  - {code: de, name: English}",
     "name: English", 1, "language code 'de' is used twice"),
    ("right-to-left-language", "  - {code: en, name: English}",
     "  - {code: en, name: English}\n  - {code: ar, name: العربية, checked: false}", "العربية", 1,
     "'ar' is written right to left: add 'direction: rtl'"),
    ("reserved-export-column", "      - code: club_name\n", "      - code: school\n",
     "code: school", 1, "item code 'school' is a fixed column of the responses export"),
    ("scale-id-collides-with-item", "  - id: sadness\n", "  - id: sad_1\n", "id: sad_1", 1,
     "'sad_1' is already used at pages[1].items[3].code"),
]


@pytest.mark.parametrize(("old", "new", "marker", "nth", "message"),
                         [case[1:] for case in MISTAKES], ids=[case[0] for case in MISTAKES])
def test_mistake_is_reported_with_its_line(tmp_path, old, new, marker, nth, message):
    original = SMALL.read_text(encoding="utf-8")
    assert original.count(old) == 1, f"anchor {old!r} must occur once in small.yaml"
    text = original.replace(old, new)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = run(path)
    assert code == 1
    expected = f"{path}:{line_of(text, marker, nth)}: "
    matching = [line for line in lines if message in line]
    assert matching, f"no line mentions {message!r}:\n" + "\n".join(lines)
    assert matching[0].startswith(expected), matching[0]
    assert len(lines) == len(set(lines)), "a mistake must be reported once"


def test_grade_role_on_a_rating_item(tmp_path):
    text = (SMALL.read_text(encoding="utf-8").replace("        role: grade\n", "")
            .replace("      - code: happy_1\n", "      - code: happy_1\n        role: grade\n"))
    path = tmp_path / "grade.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = run(path)
    assert code == 1
    assert f"{path}:{line_of(text, 'type: rating')}: pages[1].items[0].type: an item with role " \
           "'grade' must have type number or single_choice, not rating" in lines
    # the item still called "grade" would now fill the export's grade column by accident
    assert f"{path}:{line_of(text, 'code: grade')}: pages[0].items[0].code: item code 'grade' " \
           "is a fixed column of the responses export; choose another code" in lines


def test_valid_files_print_a_summary_and_exit_0():
    code, lines = run(SMALL)
    assert code == 0
    assert lines == [f"{SMALL}: OK: small_example version 1.0, 2 pages, 10 items, 2 scales, "
                     "languages de, en"]


def test_unchecked_translations_are_named_in_the_summary(tmp_path):
    text = SMALL.read_text(encoding="utf-8").replace(
        "{code: en, name: English}", "{code: en, name: English, checked: false}")
    path = tmp_path / "unchecked.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = run(path)
    assert code == 0 and lines[0].endswith("translations not yet checked: en")


def test_several_files_report_each_and_fail_if_one_fails(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.read_text(encoding="utf-8").replace("min: 5", "min: 50"), "utf-8")
    code, lines = run(SMALL, bad)
    assert code == 1
    assert lines[0].startswith(f"{SMALL}: OK")
    assert lines[1] == f"{bad}:36: pages[0].items[0].min: min (50) must be smaller than max (10)"


def test_one_mistake_does_not_hide_the_others(tmp_path):
    text = (SMALL.read_text(encoding="utf-8")
            .replace("items: [sad_1, sad_2]", "items: [sad_1, sad_3]")
            .replace("in: [1]}", "in: [7]}"))
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = run(path)
    assert code == 1 and len(lines) == 2
    assert [int(line.split(":")[1]) for line in lines] == [
        line_of(text, "in: [7]"), line_of(text, "[sad_1, sad_3]")]


@pytest.mark.parametrize(("content", "message"), [
    (b"\x00\x01\x02\xff\xfe binary", "not UTF-8"),
    (b"", "the file is empty"),
    (b"- a\n- b\n", "top level must be a mapping"),
    (b"id: [unclosed\n", "YAML syntax error"),
], ids=["binary", "empty", "list", "syntax"])
def test_garbage_gives_a_message_not_a_traceback(tmp_path, content, message):
    path = tmp_path / "garbage.yaml"
    path.write_bytes(content)
    code, lines = run(path)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"{path}:") and message in lines[0]


def test_missing_file_and_directory_give_messages(tmp_path):
    code, lines = run(tmp_path / "missing.yaml", tmp_path)
    assert code == 1
    assert lines == [f"{tmp_path / 'missing.yaml'}:0: file not found",
                     f"{tmp_path}:0: is a directory, not a questionnaire file"]


def test_no_path_is_a_usage_error():
    result = CliRunner().invoke(questionnaire, ["validate"])
    assert result.exit_code == 2 and "Missing argument" in result.output


def test_register_adds_the_group():
    import click

    from survey_app.cli.questionnaire import register

    group = click.Group("wellbeing")
    register(group)
    result = CliRunner().invoke(group, ["questionnaire", "validate", str(SMALL)])
    assert result.exit_code == 0 and "OK: small_example" in result.output


@pytest.mark.skipif(not SHIPPED.exists(), reason="the shipped instrument is not written yet")
def test_shipped_instrument_validates():
    code, lines = run(SHIPPED)
    assert code == 0, "\n".join(lines)
