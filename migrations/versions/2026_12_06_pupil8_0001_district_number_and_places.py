"""District number and well-known places

The official district number (e.g. ``STT_NR`` of a municipal GIS export) is
kept beside the district's code, and the places a city adds to a district
(schools, parks, stations) let pupils find their district by a place they know.

Revision ID: pupil8_0001
Revises: staff8_0001
Create Date: 2026-12-06 17:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "pupil8_0001"
down_revision = "staff8_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("places", sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_district_municipality_id_number"),
                                          ["municipality_id", "number"])


def downgrade():
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_district_municipality_id_number"), type_="unique")
        batch_op.drop_column("places")
        batch_op.drop_column("number")
