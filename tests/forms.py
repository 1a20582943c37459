"""Reading forms out of rendered pages, for tests that post like a browser."""

from __future__ import annotations

import re

_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return _CSRF.search(html).group(1)
