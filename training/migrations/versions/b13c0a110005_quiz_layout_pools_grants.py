"""quizzes: the order an attempt showed, pools and reveal settings, granted attempts

Revision ID: b13c0a110005
Revises: b21c17a00001
Create Date: 2026-12-07 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b13c0a110005'
down_revision = 'b21c17a00001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('layout', sa.JSON(), nullable=True))
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draw', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('stratify', sa.String(length=20), nullable=False, server_default='lesson'))
        batch_op.add_column(sa.Column('reveal', sa.String(length=20), nullable=False, server_default='pass_or_last'))
    op.create_table('attempt_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('extra', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_attempt_grant_granted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_attempt_grant_quiz_id_quiz')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_attempt_grant_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_grant'))
    )
    with op.batch_alter_table('attempt_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_grant_quiz_id'), ['quiz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_grant_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attempt_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_grant_user_id'))
        batch_op.drop_index(batch_op.f('ix_attempt_grant_quiz_id'))
    op.drop_table('attempt_grant')
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.drop_column('reveal')
        batch_op.drop_column('stratify')
        batch_op.drop_column('draw')
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_column('layout')
