"""content revision: a number raised by every sync that changed the curriculum

Revision ID: a7c0ffee0001
Revises: a6c0a1e50001
Create Date: 2026-11-29 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c0ffee0001'
down_revision = 'a6c0a1e50001'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('content_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False, server_default='0'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_revision'))
    )
    op.bulk_insert(table, [{'id': 1, 'number': 0}])


def downgrade():
    op.drop_table('content_revision')
