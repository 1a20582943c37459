"""Errors services raise for bad input, so that views can show them next to a field."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input a service refuses; nothing was changed.

    ``field`` names the form field the message belongs next to (``None`` for
    the form as a whole); ``problems`` holds per-row or per-feature messages
    of an import.
    """

    def __init__(self, message: str, field: str | None = None,
                 problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems = problems or []
