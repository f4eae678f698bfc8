"""case-study editing: revisions, images, editorial log, workflow and search columns

Revision ID: a5c0ed170001
Revises: bdc1eeab2bc7
Create Date: 2026-11-29 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5c0ed170001'
down_revision = 'bdc1eeab2bc7'
branch_labels = None
depends_on = None

NEW_TEXT_COLUMNS = [
    ('measures_en', sa.Text()),
    ('measures_zh', sa.Text()),
    ('cost_en', sa.String(length=300)),
    ('cost_zh', sa.String(length=300)),
    ('impact_en', sa.Text()),
    ('impact_zh', sa.Text()),
    ('cover_image', sa.String(length=64)),
    ('cover_alt_en', sa.String(length=300)),
    ('cover_alt_zh', sa.String(length=300)),
    ('pending', sa.String(length=12)),
    ('review_comment', sa.Text()),
    ('search_text', sa.Text()),
]


def upgrade():
    with op.batch_alter_table('case_study', schema=None) as batch_op:
        for name, type_ in NEW_TEXT_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=''))
        batch_op.add_column(sa.Column('managed_by', sa.String(length=12), nullable=False, server_default='files'))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('published_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_author_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_case_study_created_by_id_user'), 'user', ['created_by_id'], ['id'], ondelete='SET NULL'
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_case_study_last_author_id_user'), 'user', ['last_author_id'], ['id'], ondelete='SET NULL'
        )
    # Case studies synced before this migration are live: their current text is version 1.
    op.execute("UPDATE case_study SET published_version = 1 WHERE status = 'published'")

    op.create_table('case_study_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_study_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('restored_from', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_case_study_revision_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_study_id'], ['case_study.id'], name=op.f('fk_case_study_revision_case_study_id_case_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_study_revision')),
    sa.UniqueConstraint('case_study_id', 'number', name=op.f('uq_case_study_revision_case_study_id'))
    )
    with op.batch_alter_table('case_study_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_study_revision_case_study_id'), ['case_study_id'], unique=False)

    op.create_table('case_study_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_study_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_study_id'], ['case_study.id'], name=op.f('fk_case_study_image_case_study_id_case_study'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_case_study_image_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_study_image')),
    sa.UniqueConstraint('name', name=op.f('uq_case_study_image_name'))
    )
    with op.batch_alter_table('case_study_image', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_study_image_case_study_id'), ['case_study_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_study_image_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_study_image_source_sha256'), ['source_sha256'], unique=False)

    op.create_table('editorial_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_study_id', sa.Integer(), nullable=True),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_study_id'], ['case_study.id'], name=op.f('fk_editorial_event_case_study_id_case_study'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_editorial_event_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_editorial_event'))
    )
    with op.batch_alter_table('editorial_event', schema=None) as batch_op:
        batch_op.create_index('ix_editorial_event_created_at', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_editorial_event_case_study_id'), ['case_study_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_editorial_event_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('editorial_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_editorial_event_user_id'))
        batch_op.drop_index(batch_op.f('ix_editorial_event_case_study_id'))
        batch_op.drop_index('ix_editorial_event_created_at')
    op.drop_table('editorial_event')
    with op.batch_alter_table('case_study_image', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_study_image_source_sha256'))
        batch_op.drop_index(batch_op.f('ix_case_study_image_sha256'))
        batch_op.drop_index(batch_op.f('ix_case_study_image_case_study_id'))
    op.drop_table('case_study_image')
    with op.batch_alter_table('case_study_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_study_revision_case_study_id'))
    op.drop_table('case_study_revision')
    with op.batch_alter_table('case_study', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_study_last_author_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_case_study_created_by_id_user'), type_='foreignkey')
        for name in ('published_at', 'last_author_id', 'created_by_id', 'published_version', 'version', 'managed_by'):
            batch_op.drop_column(name)
        for name, _type in reversed(NEW_TEXT_COLUMNS):
            batch_op.drop_column(name)
