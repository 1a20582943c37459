"""Disclosure control: which figures may be published, alone, together and again.

:func:`apply_disclosure_control` is the one function every output passes its
estimates through (threshold, complementary suppression, imprecise figures);
:func:`count_pupils` counts the pupils a figure covers;
:func:`protect_linked_tables` protects the tables of one release together, and
:func:`protect_release` a recomputation against the wave's earlier releases.
The private modules hold the exact linear algebra (``_exact_span``), each
measure's system of identities (``_system``, ``_nesting``) and the choice of
complementary cells (``_complements``, ``_protect``).
"""
from .control import apply_disclosure_control
from .counting import count_pupils
from .linked_tables import protect_linked_tables
from .releases import Release, ReleaseRefused, protect_release

__all__ = ["apply_disclosure_control", "count_pupils", "protect_linked_tables",
           "Release", "ReleaseRefused", "protect_release"]
