"""Reliability of the scales: Cronbach's alpha, McDonald's omega, item statistics.

:func:`cronbach_alpha`, :func:`item_statistics` and :func:`omega_total` take
the items of one scale (checked against R ``psych``);
:func:`scale_reliability` runs them for every scale of a questionnaire,
overall and per language, recoding the answers as scoring does.
"""
from .alpha import cronbach_alpha, item_statistics
from .omega import omega_total
from .scales import Reliability, scale_reliability

__all__ = ["Reliability", "cronbach_alpha", "item_statistics", "omega_total",
           "scale_reliability"]
