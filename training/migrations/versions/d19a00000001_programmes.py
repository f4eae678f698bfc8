"""programmes: cities, managers, cohorts' programme, scorecard sharing consent

Revision ID: d19a00000001
Revises: d16c00000001
Create Date: 2026-12-07 12:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd19a00000001'
down_revision = 'd16c00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'programme',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=False),
        sa.Column('name_zh', sa.String(length=200), nullable=False, server_default=''),
        sa.Column('start_year', sa.Integer(), nullable=False),
        sa.Column('end_year', sa.Integer(), nullable=False),
        sa.Column('is_demo', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'programme_city',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('city_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['city_id'], ['city.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('programme_id', 'city_id'),
    )
    op.create_index('ix_programme_city_programme_id', 'programme_city', ['programme_id'])
    op.create_index('ix_programme_city_city_id', 'programme_city', ['city_id'])
    op.create_table(
        'programme_manager',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=True),
        sa.Column('granted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('programme_id', 'user_id'),
    )
    op.create_index('ix_programme_manager_programme_id', 'programme_manager', ['programme_id'])
    op.create_index('ix_programme_manager_user_id', 'programme_manager', ['user_id'])
    op.create_table(
        'scorecard_sharing',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('city_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=12), nullable=False, server_default='private'),
        sa.Column('capacity', sa.String(length=10), nullable=False, server_default=''),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.Column('set_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['city_id'], ['city.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_scorecard_sharing_city_id', 'scorecard_sharing', ['city_id'])
    # No batch copy of `cohort` on SQLite: dropping and recreating it would fire the ON DELETE
    # actions of the tables pointing at it (city memberships would lose their cohort). SQLite adds
    # a nullable column with its REFERENCES clause in place.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            'ALTER TABLE cohort ADD COLUMN programme_id INTEGER '
            'CONSTRAINT fk_cohort_programme_id_programme REFERENCES programme (id) ON DELETE SET NULL'
        )
    else:
        op.add_column('cohort', sa.Column('programme_id', sa.Integer(), nullable=True))
        op.create_foreign_key(
            'fk_cohort_programme_id_programme', 'cohort', 'programme', ['programme_id'], ['id'], ondelete='SET NULL'
        )
    op.create_index('ix_cohort_programme_id', 'cohort', ['programme_id'])


def downgrade():
    op.drop_index('ix_cohort_programme_id', table_name='cohort')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_cohort_programme_id_programme', 'cohort', type_='foreignkey')
    op.drop_column('cohort', 'programme_id')  # SQLite ≥ 3.35 drops a column in place
    op.drop_index('ix_scorecard_sharing_city_id', table_name='scorecard_sharing')
    op.drop_table('scorecard_sharing')
    op.drop_index('ix_programme_manager_user_id', table_name='programme_manager')
    op.drop_index('ix_programme_manager_programme_id', table_name='programme_manager')
    op.drop_table('programme_manager')
    op.drop_index('ix_programme_city_city_id', table_name='programme_city')
    op.drop_index('ix_programme_city_programme_id', table_name='programme_city')
    op.drop_table('programme_city')
    op.drop_table('programme')
