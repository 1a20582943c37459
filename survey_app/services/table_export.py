"""The former second download module, now only names for :mod:`table_download`'s functions.

The report package and its codebook (``survey_app/reports/package.py``,
``codebook.py``) still import these; they write the international format
(commas, decimal points, UTF-8 with a BOM). No logic lives here: switch those
imports to :mod:`survey_app.services.table_download` and delete this module.
"""

from __future__ import annotations

from typing import Any, Sequence

from survey_app.services import table_download
from survey_app.services.table_download import DownloadTable, safe_cell

__all__ = ["safe_cell", "to_csv", "to_xlsx"]


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """:func:`table_download.to_csv` in the international format."""
    return table_download.to_csv(DownloadTable(list(headers), [list(r) for r in rows]), "en")


def to_xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str,
            notes: Sequence[str] = ()) -> bytes:
    """:func:`table_download.to_xlsx` with ``notes`` below the table."""
    return table_download.to_xlsx(DownloadTable(list(headers), [list(r) for r in rows],
                                                title, list(notes)))
