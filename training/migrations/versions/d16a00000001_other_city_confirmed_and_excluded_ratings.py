"""cohort members from another city confirmed by a trainer; ratings of a removed delegate kept but excluded

Revision ID: d16a00000001
Revises: c16a00000001
Create Date: 2026-12-07 12:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd16a00000001'
down_revision = 'c16a00000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('other_city_confirmed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.add_column(sa.Column('excluded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('excluded_reason', sa.String(length=20), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_column('excluded_reason')
        batch_op.drop_column('excluded_at')
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.drop_column('other_city_confirmed_at')
