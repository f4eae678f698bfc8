"""content revision: a second number, raised by every write to a case study

The module page keeps the case-study cards it chose under this number (issue 20): an editor's
save, publish, unpublish or archive, an import and a content sync each raise it in the same
transaction as their write (training/models/library.py), so the cards are chosen again at once.

Revision ID: d20a00000001
Revises: d18c00000001
Create Date: 2026-12-08 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd20a00000001'
down_revision = 'd18c00000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('content_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_studies', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('content_revision', schema=None) as batch_op:
        batch_op.drop_column('case_studies')
