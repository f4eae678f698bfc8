"""cohort invitations: enrolment by email with the person's consent

Revision ID: b21c0e5e0002
Revises: a7c0ffee0001
Create Date: 2026-12-07 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b21c0e5e0002'
down_revision = 'a7c0ffee0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cohort_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('declined_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_invitation_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_cohort_invitation_invited_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user.id'], name=op.f('fk_cohort_invitation_accepted_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_cohort_invitation_token_hash'))
    )
    with op.batch_alter_table('cohort_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_invitation_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_invitation_email'), ['email'], unique=False)


def downgrade():
    with op.batch_alter_table('cohort_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_invitation_email'))
        batch_op.drop_index(batch_op.f('ix_cohort_invitation_cohort_id'))
    op.drop_table('cohort_invitation')
