"""notifications: in-app notifications, emails on their way, email opt-outs

Revision ID: d17a00000001
Revises: d19a00000001
Create Date: 2026-12-07 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd17a00000001'
down_revision = 'd19a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('dedupe_key', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_notification_dedupe_key')),
    )
    op.create_index('ix_notification_user_id_read_at', 'notification', ['user_id', 'read_at'], unique=False)
    op.create_table(
        'outbound_email',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('notification_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.Column('lease_until', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_outbound_email_user_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['notification_id'], ['notification.id'],
            name=op.f('fk_outbound_email_notification_id_notification'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_email')),
    )
    op.create_index(op.f('ix_outbound_email_user_id'), 'outbound_email', ['user_id'], unique=False)
    op.create_index('ix_outbound_email_status_lease_until', 'outbound_email', ['status', 'lease_until'], unique=False)
    op.create_table(
        'email_opt_out',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_opt_out')),
        sa.UniqueConstraint('address', 'kind', name=op.f('uq_email_opt_out_address')),
    )


def downgrade():
    op.drop_table('email_opt_out')
    op.drop_index('ix_outbound_email_status_lease_until', table_name='outbound_email')
    op.drop_index(op.f('ix_outbound_email_user_id'), table_name='outbound_email')
    op.drop_table('outbound_email')
    op.drop_index('ix_notification_user_id_read_at', table_name='notification')
    op.drop_table('notification')
