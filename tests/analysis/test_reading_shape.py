"""Malformed wide responses files are refused with the line or column, by library and CLI.

pandas reads them without a word: a repeated column name is renamed and
ignored, short rows are padded with "missing", and rows one field longer
than the header shift every value a column to the left. Files the project
writes itself (pandas, CRLF) and quoted multi-line texts still read.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from analysis.files import read_enrolment, read_responses, write_table
from analysis.questionnaire import load
from analysis.simulation import simulate_city
from survey_app.cli import main

SMALL = Path(__file__).parents[1] / "questionnaire" / "files" / "small.yaml"


@pytest.fixture(scope="module")
def small():
    return load(SMALL)


@pytest.fixture(scope="module")
def city(small, tmp_path_factory):
    return simulate_city(small, 60, districts=2, schools=3, seed=3).write(
        tmp_path_factory.mktemp("city"))


@pytest.fixture(scope="module")
def lines(city):
    return city["responses"].read_text("utf-8").splitlines()


def written(tmp_path, lines, name="r.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cells(line: str) -> list[str]:
    return next(csv.reader([line]))


def joined(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def refused(path, small) -> str:
    """The message of read_responses and of the CLI, which must be the same."""
    with pytest.raises(ValueError) as error:
        read_responses(path, small)
    result = CliRunner().invoke(main, ["analyse", "--questionnaire", str(SMALL), "--responses",
                                       str(path), "--out", str(path.with_suffix(".out.csv"))])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    assert " ".join(str(error.value).split()) in result.output
    assert not path.with_suffix(".out.csv").exists()
    return str(error.value)


def test_a_truncated_file_is_refused_with_its_line(tmp_path, small, lines):
    cut = lines[:30] + [joined(cells(lines[30])[:6])]
    message = refused(written(tmp_path, cut), small)
    assert message.startswith(f"r.csv: the header has {len(cells(lines[0]))} fields, but "
                              "line 31 has 6;")
    assert "cut off" in message


def test_short_rows_in_the_middle_are_listed(tmp_path, small, lines):
    changed = list(lines)
    for n in (5, 9):
        changed[n - 1] = joined(cells(lines[n - 1])[:-2])
    message = refused(written(tmp_path, changed), small)
    width = len(cells(lines[0]))
    assert f"line 5 has {width - 2}, line 9 has {width - 2};" in message


def test_a_repeated_column_name_is_refused(tmp_path, small, lines):
    header = cells(lines[0])
    first = header.index("happy_2") + 1
    header[-1] = "happy_2"
    message = refused(written(tmp_path, [joined(header), *lines[1:]]), small)
    assert message == (f"r.csv: column 'happy_2' appears twice in the header (columns {first} "
                       f"and {len(header)}); every column needs its own name")


def test_long_rows_are_named_not_reported_as_repeated_ids(tmp_path, small, lines):
    changed = [lines[0]] + [line + ",x" for line in lines[1:]]
    message = refused(written(tmp_path, changed), small)
    assert "occur more than once" not in message
    assert "line 2 has" in message and "more such rows" in message
    assert "double quotes" in message


def test_one_long_row_is_named(tmp_path, small, lines):
    changed = list(lines)
    changed[3] = lines[3] + ",extra"
    message = refused(written(tmp_path, changed), small)
    assert f"line 4 has {len(cells(lines[0])) + 1};" in message


def test_a_folder_is_not_a_missing_file(tmp_path, small):
    with pytest.raises(ValueError, match=r"is a folder, not a file"):
        read_responses(tmp_path, small)
    with pytest.raises(ValueError, match=r"is a folder, not a file"):
        read_enrolment(tmp_path)


def test_an_answer_outside_its_scale_names_column_and_line_not_python(tmp_path, small, lines):
    header = cells(lines[0])
    changed = list(lines)
    row = cells(lines[6])
    row[header.index("happy_1")] = "7"
    changed[6] = joined(row)
    message = refused(written(tmp_path, changed), small)
    assert "errors=" not in message
    assert message == ("r.csv: column 'happy_1' must hold the values of answer scale 'agree4' "
                       "(1, 2, 3, 4, 99) or be empty; line 7 has 7")


def test_enrolment_with_a_long_row_is_refused(tmp_path, city):
    lines = city["enrolment"].read_text("utf-8").splitlines()
    lines[2] += ",9"
    with pytest.raises(ValueError, match=r"e.csv: the header has \d+ fields, but line 3 has"):
        read_enrolment(written(tmp_path, lines, "e.csv"))


def test_files_the_project_writes_still_read(tmp_path, small, city):
    frame = read_responses(city["responses"], small)
    exported = write_table(pd.read_csv(city["responses"], dtype=str, keep_default_na=False),
                           tmp_path / "export.csv")  # CRLF, as 'wellbeing export' writes
    assert b"\r\n" in exported.read_bytes()
    assert len(read_responses(exported, small)) == len(frame)


def test_blank_lines_and_quoted_multi_line_texts_still_read(tmp_path, small, lines):
    header = cells(lines[0])
    row = cells(lines[1])
    row[header.index("club_name")] = "Fußball,\nSchach"
    changed = [lines[0], joined(row), "", *lines[2:]]
    frame = read_responses(written(tmp_path, changed), small)
    assert frame["club_name"].iloc[0] == "Fußball,\nSchach"
    assert len(frame) == len(lines) - 1
    # a later bad row is named by the line an editor shows
    cut = [lines[0], joined(row), *lines[2:5], joined(cells(lines[5])[:3])]
    message = refused(written(tmp_path, cut), small)
    assert "line 7 has 3;" in message


def test_the_cli_names_a_folder_given_as_an_input_file(tmp_path, city):
    for option, value in [("--responses", tmp_path), ("--questionnaire", tmp_path)]:
        args = {"--questionnaire": str(SMALL), "--responses": str(city["responses"]),
                option: str(value)}
        result = CliRunner().invoke(main, ["score", *(x for pair in args.items() for x in pair),
                                           "--out", str(tmp_path / "s.csv")])
        assert result.exit_code == 1, result.output
        assert f"Error: {tmp_path}: is a folder" in result.output
