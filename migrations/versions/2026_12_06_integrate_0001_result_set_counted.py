"""The pupils a result set counted

A released wave may be recomputed (late answers, withdrawals, another
threshold) only when the new figures are protected against differencing with
every earlier release; that protection needs to know which responses each
release counted and in which groups they were. ``result_set.counted`` holds
them as JSON.

Revision ID: integrate_0001
Revises: pupil8_0001
Create Date: 2026-12-06 18:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = "integrate_0001"
down_revision = "pupil8_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("result_set", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counted", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("result_set", schema=None) as batch_op:
        batch_op.drop_column("counted")
