"""Stored results withhold every comparison with a hidden total

A shown group's difference from its table's total (``diff_city``) is its
estimate minus the total's: where disclosure control hid the total, the two
published figures gave it back, and the p-values nearly so (issue 12, found by
attacking a region wave). New computations withhold these comparisons
(``analysis.published.withhold_comparisons``); this empties them in results
stored before: ``diff_city``, ``p_value`` and ``p_adjusted`` of every row whose
table (result set, area, grouping) has its total of the same measure hidden.
Every row of such a measure is emptied alike, so the adjusted p-values of the
rows kept are unchanged. The downgrade cannot bring the figures back and leaves
them empty.

Revision ID: results12_0001
Revises: pupil11_0001
Create Date: 2026-12-07 20:20:00
"""
from alembic import op


revision = "results12_0001"
down_revision = "pupil11_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        UPDATE result_estimate SET diff_city = NULL, p_value = NULL, p_adjusted = NULL
        WHERE (diff_city IS NOT NULL OR p_value IS NOT NULL OR p_adjusted IS NOT NULL)
          AND EXISTS (
            SELECT 1 FROM result_estimate AS total
            WHERE total.result_set_id = result_estimate.result_set_id
              AND (total.municipality_id = result_estimate.municipality_id
                   OR (total.municipality_id IS NULL AND result_estimate.municipality_id IS NULL))
              AND total.group_var = result_estimate.group_var
              AND total.measure = result_estimate.measure
              AND total.group_key = 'all'
              AND total.suppressed)
    """)


def downgrade():
    pass  # the withheld comparisons are not kept anywhere: they stay empty
