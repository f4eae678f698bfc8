"""curriculum search: documents (lessons, glossary, case studies) and an index of their tokens

One document per lesson, glossary term and published case study, and an inverted index of their
tokens (Chinese character pairs and words) as plain rows.

The same tables on SQLite and PostgreSQL: no FTS5 module, no extension (pg_trgm would need
CREATE EXTENSION, which a managed database may refuse). docs/search.md explains the choice.

Revision ID: d18b00000001
Revises: d17a00000001
Create Date: 2026-12-07 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd18b00000001'
down_revision = 'd17a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('ref', sa.String(length=240), nullable=False),
        sa.Column('module_slug', sa.String(length=80), nullable=False, server_default=''),
        sa.Column('position', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('title_en', sa.String(length=300), nullable=False, server_default=''),
        sa.Column('title_zh', sa.String(length=300), nullable=False, server_default=''),
        sa.Column('text_en', sa.Text(), nullable=False, server_default=''),
        sa.Column('text_zh', sa.Text(), nullable=False, server_default=''),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'ref'),
    )
    token = sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql')
    op.create_table(
        'search_posting',
        sa.Column('token', token, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('weight', sa.Float(), nullable=False, server_default='0'),
        sa.ForeignKeyConstraint(['document_id'], ['search_document.id']),
        sa.PrimaryKeyConstraint('token', 'document_id'),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_search_posting_document_id', 'search_posting', ['document_id'])


def downgrade():
    op.drop_index('ix_search_posting_document_id', table_name='search_posting')
    op.drop_table('search_posting')
    op.drop_table('search_document')
