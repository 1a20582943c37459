"""Finding a school from how people write it: names in any case, spacing or spelling of umlauts.

Class lists and school lists come from school offices and spreadsheets:
"Hauptschule zechenfeld", "HAUPTSCHULE  Zechenfeld", "Gesamtschule Süd" and
"Gesamtschule Sued" all mean one school. Names are compared after
:func:`normalise_name`; a school number (Schulnummer) is matched as well. A
name that matches nothing gets the closest names as suggestions ("did you
mean …"), found with :mod:`difflib`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from survey_app.models import School

_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
_SEPARATORS = re.compile(r"[\s\-_.,;:/'’\"()]+")
#: How similar (0-1, difflib's ratio) a name must be to be suggested.
SUGGESTION_CUTOFF = 0.75


def normalise_name(name: str) -> str:
    """A school name reduced to what tells schools apart.

    Case, spacing, hyphens and dots, umlauts written as ``ae``/``oe``/``ue`` and
    other accents do not matter: ``"St.-Ursula-Schule"`` and ``"st ursula
    schule"`` are the same name.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = "".join(_UMLAUTS.get(char, char) for char in text)
    text = "".join(char for char in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", text).strip()


@dataclass
class Found:
    """The result of looking a school up: the school, or why not and what was meant."""

    school: School | None = None
    ambiguous: list[School] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


class SchoolDirectory:
    """The schools one may refer to (e.g. those of a wave's area), by name and by number."""

    def __init__(self, schools: list[School]) -> None:
        self._by_name: dict[str, list[School]] = {}
        self._by_number: dict[str, list[School]] = {}
        for school in schools:
            self._by_name.setdefault(normalise_name(school.name), []).append(school)
            if school.number:
                self._by_number.setdefault(school.number.strip().casefold(), []).append(school)

    def find(self, text: str) -> Found:
        """The school ``text`` names (by name or school number), or suggestions."""
        key = normalise_name(text)
        matches = self._by_name.get(key) or self._by_number.get(text.strip().casefold()) or []
        if len(matches) == 1:
            return Found(school=matches[0])
        if matches:
            return Found(ambiguous=matches)
        close = difflib.get_close_matches(key, list(self._by_name), n=3,
                                          cutoff=SUGGESTION_CUTOFF)
        return Found(suggestions=[school.name for name in close
                                  for school in self._by_name[name]])
