"""Scale reliability stored with the results

The wave report's appendix shows every scale's Cronbach's alpha and
McDonald's omega, overall and per language. They are computed when the
results are computed, from the same answers, and kept with the result set
(JSON in ``result_set.reliability``) so that the report never recomputes and
a released wave's reliability is frozen with its estimates.

Revision ID: reports9_0001
Revises: integrate_0001
Create Date: 2026-12-06 20:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = "reports9_0001"
down_revision = "integrate_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("result_set", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reliability", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("result_set", schema=None) as batch_op:
        batch_op.drop_column("reliability")
