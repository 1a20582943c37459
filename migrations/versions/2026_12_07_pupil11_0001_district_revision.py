"""A district counts its changes (``district.revision``)

The district question of the pupil survey draws the wave's districts (the
sorted list and the SVG map) once and keeps them; every view then reads only
the districts' ids and revisions to know whether the drawing is still current
(issue 12: the start of each pupil read every district's geometry and drew the
map anew). Existing districts start at revision 1; the downgrade drops the
column.

Revision ID: pupil11_0001
Revises: results10_0001
Create Date: 2026-12-07 11:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = "pupil11_0001"
down_revision = "results10_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1",
                                      nullable=False))


def downgrade():
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.drop_column("revision")
