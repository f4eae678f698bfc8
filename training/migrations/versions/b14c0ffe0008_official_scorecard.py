"""official scorecard: help text per question, city profile per assessment

Revision ID: b14c0ffe0008
Revises: b21c0e5e0002
Create Date: 2026-12-07 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b14c0ffe0008'
down_revision = 'b21c0e5e0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scorecard_question') as batch:
        batch.add_column(sa.Column('help_en', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('help_zh', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('assessment') as batch:
        batch.add_column(sa.Column('profile', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade():
    with op.batch_alter_table('assessment') as batch:
        batch.drop_column('profile')
    with op.batch_alter_table('scorecard_question') as batch:
        batch.drop_column('help_zh')
        batch.drop_column('help_en')
