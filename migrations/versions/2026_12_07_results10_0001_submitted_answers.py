"""A submitted response keeps its answers joined into one text

Computing a county's results read millions of answer rows, and collecting
them per response was most of the computation. A pupil's answers are final
once submitted, so the response keeps them as one text
(``response.submitted_answers``, see ``survey_app.services.submitted_answers``);
the answer rows stay the record. The upgrade fills the text in for the
responses submitted before; the downgrade drops the column (the rows are
untouched).

Revision ID: results10_0001
Revises: reports9_0001
Create Date: 2026-12-07 03:20:00
"""
from alembic import op
import sqlalchemy as sa

from survey_app.services.submitted_answers import fill_missing


revision = "results10_0001"
down_revision = "reports9_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_answers", sa.Text(), nullable=True))
    fill_missing(op.get_bind())


def downgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("submitted_answers")
