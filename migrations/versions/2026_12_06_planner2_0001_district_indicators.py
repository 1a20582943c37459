"""District indicators imported by planners (targeting).

Revision ID: planner2_0001
Revises: results_0001
Create Date: 2026-12-06 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'planner2_0001'
down_revision = 'results_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('district_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=80), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('year BETWEEN 1900 AND 2200', name=op.f('ck_district_indicator_year_plausible')),
    sa.CheckConstraint('length(indicator) > 0', name=op.f('ck_district_indicator_indicator_not_empty')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_district_indicator_district_id_district'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['imported_by_id'], ['staff_user.id'], name=op.f('fk_district_indicator_imported_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_indicator')),
    sa.UniqueConstraint('district_id', 'indicator', 'year', name='uq_district_indicator_value')
    )
    with op.batch_alter_table('district_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_indicator_district_id'), ['district_id'], unique=False)


def downgrade():
    with op.batch_alter_table('district_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_district_indicator_district_id'))

    op.drop_table('district_indicator')
