"""Access codes: unambiguous alphabet, >= 40 random bits, forgiving input (design §4)."""

from __future__ import annotations

import math
import re

import pytest

from survey_app.services.access_codes import (
    ALPHABET,
    CODE_LENGTH,
    code_hash,
    format_code,
    new_code,
    normalise,
)


KEY = "k" * 40


def test_codes_carry_at_least_40_random_bits_without_look_alikes():
    assert CODE_LENGTH * math.log2(len(ALPHABET)) >= 40
    assert not set("0O1IL") & set(ALPHABET)
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", code)
        assert set(code.replace("-", "")) <= set(ALPHABET)


def test_typed_codes_ignore_case_spaces_and_dashes():
    code = new_code()
    canonical = code.replace("-", "")
    for typed in (code, code.lower(), " ".join(canonical), canonical[:3] + " - " + canonical[3:]):
        assert normalise(typed) == canonical
        assert code_hash(typed, key=KEY) == code_hash(code, key=KEY)
    assert format_code(canonical) == code


@pytest.mark.parametrize("typed", ["", "K7QF-M2XP", "K7QF-M2XP-9TT", "K7QO-M2XP-9T",
                                   "K7Q1-M2XP-9T", "K7QF-M2XP-9T;", "K7QF\x00M2XP9T"])
def test_malformed_input_is_not_a_code(typed):
    assert normalise(typed) is None
    with pytest.raises(ValueError):
        code_hash(typed, key=KEY)
