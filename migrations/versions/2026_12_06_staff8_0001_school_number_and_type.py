"""Schools: official school number (unique within a municipality) and school type.

Revision ID: staff8_0001
Revises: security_0001
Create Date: 2026-12-06 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "staff8_0001"
down_revision = "security_0001"
branch_labels = None
depends_on = None

SCHOOL_TYPES = ("grundschule", "hauptschule", "realschule", "sekundarschule", "gesamtschule",
                "gymnasium", "foerderschule", "berufskolleg", "other")


def upgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("school_type", sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_school_municipality_id_number"),
                                          ["municipality_id", "number"])
        allowed = ", ".join(f"'{value}'" for value in SCHOOL_TYPES)
        batch_op.create_check_constraint(batch_op.f("ck_school_school_type_valid"),
                                         f"school_type IN ({allowed})")


def downgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_school_school_type_valid"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_school_municipality_id_number"), type_="unique")
        batch_op.drop_column("school_type")
        batch_op.drop_column("number")
