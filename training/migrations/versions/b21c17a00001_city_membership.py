"""city membership someone vouches for, trainers' city assignments, requests

Carries forward the access that was already vouched for: each member of a cohort of city X
becomes a member of X (how "cohort"), each trainer of a cohort of city X is assigned to X
(how "cohort"). A bare profile city grants nothing.

Revision ID: b21c17a00001
Revises: b14c0ffe0008
Create Date: 2026-12-07 09:10:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b21c17a00001'
down_revision = 'b14c0ffe0008'
branch_labels = None
depends_on = None

ACTIVE = sa.text('revoked_at IS NULL')
PENDING = sa.text('decided_at IS NULL')


def _user_fk(table, column):
    return sa.ForeignKeyConstraint(
        [column], ['user.id'], name=op.f(f'fk_{table}_{column}_user'), ondelete='SET NULL'
    )


def upgrade():
    membership = op.create_table('city_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('how', sa.String(length=20), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_city_membership_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_city_membership_city_id_city'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_city_membership_cohort_id_cohort'), ondelete='SET NULL'),
    _user_fk('city_membership', 'granted_by_id'),
    _user_fk('city_membership', 'revoked_by_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_city_membership'))
    )
    with op.batch_alter_table('city_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_city_membership_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_city_membership_city_id'), ['city_id'], unique=False)
    op.create_index('uq_city_membership_active', 'city_membership', ['user_id', 'city_id'], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)

    trainer_city = op.create_table('trainer_city',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('how', sa.String(length=20), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_trainer_city_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_trainer_city_city_id_city'), ondelete='CASCADE'),
    _user_fk('trainer_city', 'granted_by_id'),
    _user_fk('trainer_city', 'revoked_by_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainer_city'))
    )
    with op.batch_alter_table('trainer_city', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainer_city_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainer_city_city_id'), ['city_id'], unique=False)
    op.create_index('uq_trainer_city_active', 'trainer_city', ['user_id', 'city_id'], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)

    op.create_table('city_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('approved', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_city_request_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_city_request_city_id_city'), ondelete='CASCADE'),
    _user_fk('city_request', 'decided_by_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_city_request'))
    )
    with op.batch_alter_table('city_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_city_request_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_city_request_city_id'), ['city_id'], unique=False)
    op.create_index('uq_city_request_pending', 'city_request', ['kind', 'user_id', 'city_id'], unique=True,
                    sqlite_where=PENDING, postgresql_where=PENDING)

    _carry_forward(membership, trainer_city)


def _carry_forward(membership, trainer_city):
    """Existing installs keep the access a cohort vouched for; the oldest cohort of each
    (person, city) is recorded as the one that granted it."""
    bind = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    cohort = sa.table('cohort', sa.column('id'), sa.column('city_id'), sa.column('created_by_id'))
    member = sa.table('cohort_member', sa.column('cohort_id'), sa.column('user_id'), sa.column('joined_at', sa.DateTime()))
    trainer = sa.table('cohort_trainer', sa.column('cohort_id'), sa.column('user_id'))
    user = sa.table('user', sa.column('id'), sa.column('role'))

    rows, seen = [], set()
    members = bind.execute(
        sa.select(member.c.user_id, cohort.c.city_id, cohort.c.id, cohort.c.created_by_id, member.c.joined_at)
        .join(cohort, cohort.c.id == member.c.cohort_id)
        .order_by(cohort.c.id, member.c.user_id)
    ).all()
    for user_id, city_id, cohort_id, created_by_id, joined_at in members:
        if (user_id, city_id) in seen:
            continue
        seen.add((user_id, city_id))
        rows.append({'user_id': user_id, 'city_id': city_id, 'how': 'cohort', 'cohort_id': cohort_id,
                     'granted_by_id': created_by_id, 'granted_at': joined_at or now})
    if rows:
        op.bulk_insert(membership, rows)

    rows, seen = [], set()
    trainers = bind.execute(
        sa.select(trainer.c.user_id, cohort.c.city_id)
        .join(cohort, cohort.c.id == trainer.c.cohort_id)
        .join(user, user.c.id == trainer.c.user_id)
        .where(user.c.role == 'trainer')
        .order_by(cohort.c.id, trainer.c.user_id)
    ).all()
    for user_id, city_id in trainers:
        if (user_id, city_id) in seen:
            continue
        seen.add((user_id, city_id))
        rows.append({'user_id': user_id, 'city_id': city_id, 'how': 'cohort', 'granted_at': now})
    if rows:
        op.bulk_insert(trainer_city, rows)


def downgrade():
    op.drop_index('uq_city_request_pending', table_name='city_request')
    op.drop_table('city_request')
    op.drop_index('uq_trainer_city_active', table_name='trainer_city')
    op.drop_table('trainer_city')
    op.drop_index('uq_city_membership_active', table_name='city_membership')
    op.drop_table('city_membership')
