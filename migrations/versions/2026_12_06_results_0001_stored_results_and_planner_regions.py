"""Stored results of a wave (result sets and their estimates); planners linked to regions.

Revision ID: results_0001
Revises: d5457e8c0b3e
Create Date: 2026-12-06 16:42:31.998898

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'results_0001'
down_revision = 'd5457e8c0b3e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_region',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_staff_region_region_id_region'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_staff_region_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'region_id', name=op.f('pk_staff_region'))
    )
    op.create_table('result_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('computed_by_id', sa.Integer(), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.Column('questionnaire_id', sa.String(length=63), nullable=False),
    sa.Column('questionnaire_version', sa.String(length=20), nullable=False),
    sa.Column('questionnaire_hash', sa.String(length=64), nullable=False),
    sa.Column('min_group_size', sa.Integer(), nullable=False),
    sa.Column('design', sa.String(length=10), nullable=False),
    sa.Column('weighting', sa.String(length=10), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint("(state = 'released') = (released_at IS NOT NULL)", name=op.f('ck_result_set_released_has_time')),
    sa.CheckConstraint("design IN ('census', 'schools', 'classes')", name=op.f('ck_result_set_design_valid')),
    sa.CheckConstraint("state IN ('draft', 'released')", name=op.f('ck_result_set_state_valid')),
    sa.CheckConstraint("weighting IN ('enrolment', 'none')", name=op.f('ck_result_set_weighting_valid')),
    sa.CheckConstraint('length(questionnaire_hash) = 64', name=op.f('ck_result_set_hash_is_sha256')),
    sa.CheckConstraint('min_group_size >= 1', name=op.f('ck_result_set_threshold_positive')),
    sa.CheckConstraint('responses >= 0', name=op.f('ck_result_set_responses_not_negative')),
    sa.ForeignKeyConstraint(['computed_by_id'], ['staff_user.id'], name=op.f('fk_result_set_computed_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['released_by_id'], ['staff_user.id'], name=op.f('fk_result_set_released_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_result_set_wave_id_wave'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_set'))
    )
    with op.batch_alter_table('result_set', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_set_wave_id'), ['wave_id'], unique=False)

    op.create_table('result_estimate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('result_set_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('group_var', sa.String(length=20), nullable=False),
    sa.Column('group_key', sa.String(length=160), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('measure', sa.String(length=127), nullable=False),
    sa.Column('statistic', sa.String(length=8), nullable=False),
    sa.Column('n', sa.Integer(), nullable=True),
    sa.Column('estimate', sa.Float(), nullable=True),
    sa.Column('se', sa.Float(), nullable=True),
    sa.Column('ci_low', sa.Float(), nullable=True),
    sa.Column('ci_high', sa.Float(), nullable=True),
    sa.Column('suppressed', sa.Boolean(), nullable=False),
    sa.Column('suppression_reason', sa.String(length=60), nullable=True),
    sa.Column('diff_city', sa.Float(), nullable=True),
    sa.Column('p_value', sa.Float(), nullable=True),
    sa.Column('p_adjusted', sa.Float(), nullable=True),
    sa.Column('df', sa.Float(), nullable=True),
    sa.Column('sae_estimate', sa.Float(), nullable=True),
    sa.Column('sae_rmse', sa.Float(), nullable=True),
    sa.Column('sae_shrinkage', sa.Float(), nullable=True),
    sa.Column('low_precision', sa.Boolean(), nullable=False),
    sa.CheckConstraint("group_var IN ('district', 'school', 'municipality')", name=op.f('ck_result_estimate_group_var_valid')),
    sa.CheckConstraint("statistic IN ('mean', 'share')", name=op.f('ck_result_estimate_statistic_valid')),
    sa.CheckConstraint('NOT suppressed OR (estimate IS NULL AND se IS NULL AND ci_low IS NULL AND ci_high IS NULL AND diff_city IS NULL AND p_value IS NULL AND p_adjusted IS NULL AND sae_estimate IS NULL AND sae_rmse IS NULL)', name=op.f('ck_result_estimate_suppressed_has_no_figure')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_result_estimate_district_id_district'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_result_estimate_municipality_id_municipality'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['result_set_id'], ['result_set.id'], name=op.f('fk_result_estimate_result_set_id_result_set'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_result_estimate_school_id_school'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_estimate')),
    sa.UniqueConstraint('result_set_id', 'municipality_id', 'group_var', 'group_key', 'measure', name='uq_result_estimate_figure')
    )
    with op.batch_alter_table('result_estimate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_estimate_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_estimate_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_estimate_result_set_id'), ['result_set_id'], unique=False)



def downgrade():
    with op.batch_alter_table('result_estimate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_estimate_result_set_id'))
        batch_op.drop_index(batch_op.f('ix_result_estimate_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_result_estimate_district_id'))

    op.drop_table('result_estimate')
    with op.batch_alter_table('result_set', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_set_wave_id'))

    op.drop_table('result_set')
    op.drop_table('staff_region')
