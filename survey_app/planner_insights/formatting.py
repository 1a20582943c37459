"""How figures are written on the planner and coordinator pages and in their downloads."""

from __future__ import annotations

import math
from decimal import InvalidOperation

from flask import current_app
from flask_babel import format_decimal, format_scientific, get_locale

from survey_app.planner_insights import bp


def lang() -> str:
    """The page language (``de``, ``en``, ...)."""
    locale = get_locale()
    return locale.language if locale is not None else "de"


def figure(value, share: bool = False) -> str:
    """A mean with two decimals, a share in per cent with one; ``–`` for none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if share:
        return format_decimal(value * 100, "0.0") + " %"
    return format_decimal(value, "0.00")


def signed(value, share: bool = False) -> str:
    """A difference with its sign (``+0.12``, ``−3.4 %``)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = figure(abs(value), share)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def number(value, digits: int = 2) -> str:
    """A plain number in the page language (indicator values, correlations)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return decimal_text(value, "0." + "0" * digits if digits else "0")


def decimal_text(value, pattern: str) -> str:
    """``format_decimal(value, pattern)``, or scientific notation where Babel cannot.

    Babel's decimal arithmetic fails beyond about 1e26; an indicator that
    large (stored before the import refused it) must not fail the page
    that shows it, nor the import that corrects it.
    """
    try:
        return format_decimal(value, pattern)
    except (InvalidOperation, ValueError, OverflowError):
        return format_scientific(value, "0.##E0")


def threshold() -> int:
    """The reporting threshold (``MIN_GROUP_SIZE``)."""
    return int(current_app.config["MIN_GROUP_SIZE"])


def download_number(value, share: bool = False):
    """A figure for a download: shares in per cent, rounded like the page shows them."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return round(value * 100, 1) if share else round(value, 3)


@bp.app_template_global("insight_figure")
def _figure(value, share=False):
    return figure(value, share)


@bp.app_template_global("insight_signed")
def _signed(value, share=False):
    return signed(value, share)


@bp.app_template_global("insight_number")
def _number(value, digits=2):
    return number(value, digits)
