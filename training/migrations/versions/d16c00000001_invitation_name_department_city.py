"""cohort invitations from an imported list keep the name, department and city the trainer gave

Revision ID: d16c00000001
Revises: d16a00000001
Create Date: 2026-12-07 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd16c00000001'
down_revision = 'd16a00000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohort_invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('department', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('city_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_cohort_invitation_city_id_city', 'city', ['city_id'], ['id'], ondelete='SET NULL'
        )


def downgrade():
    with op.batch_alter_table('cohort_invitation', schema=None) as batch_op:
        batch_op.drop_constraint('fk_cohort_invitation_city_id_city', type_='foreignkey')
        batch_op.drop_column('city_id')
        batch_op.drop_column('department')
        batch_op.drop_column('name')
