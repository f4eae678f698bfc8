"""cohort sessions: start and end times (UTC) and an online link; each city's time zone

Revision ID: c16a00000001
Revises: b13c0a110005
Create Date: 2026-12-07 12:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c16a00000001'
down_revision = 'b13c0a110005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('city', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=False, server_default='Asia/Shanghai'))
    with op.batch_alter_table('cohort_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('ends_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('online_url', sa.String(length=500), nullable=False, server_default=''))


def downgrade():
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35 has it): a batch copy would drop and recreate
    # tables that other tables' foreign keys point at, which SQLite refuses with foreign keys on.
    op.drop_column('cohort_session', 'online_url')
    op.drop_column('cohort_session', 'ends_at')
    op.drop_column('cohort_session', 'starts_at')
    op.drop_column('city', 'timezone')
