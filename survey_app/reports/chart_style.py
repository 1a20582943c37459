"""The pages' chart styles for the printed reports.

WeasyPrint styles an inline SVG only from inside it, so the ``svg.chart`` rules
of the pages' stylesheet are put into each chart as a ``<style>``: the printed
chart looks like the one on the page without a second set of rules.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

_CHART_CSS = Path(__file__).resolve().parent.parent / "static" / "staff" / "insights.css"


@lru_cache(maxsize=1)
def chart_css() -> Markup:
    """The chart rules of the pages' stylesheet, as a ``<style>`` for inside an SVG."""
    rules = [line for line in _CHART_CSS.read_text(encoding="utf-8").splitlines()
             if line.startswith("svg.chart ")]
    return Markup("<style>" + "\n".join(rules).replace("<", "") + "</style>")
