"""curriculum search: one indexed document per lesson, glossary term and published case study

On SQLite an FTS5 table (external content, kept in step by triggers); on PostgreSQL a generated
tsvector column with a GIN index (core full-text search: no extension, so no superuser needed).
docs/search.md explains the choice.

Revision ID: d18b00000001
Revises: c16a00000001
Create Date: 2026-12-07 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd18b00000001'
down_revision = 'c16a00000001'
branch_labels = None
depends_on = None

_SQLITE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_document', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title_tokens, new.body_tokens); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title_tokens, old.body_tokens); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title_tokens, old.body_tokens); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title_tokens, new.body_tokens); END",
)

_POSTGRESQL = (
    "ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_tokens), 'D')) STORED",
    "CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)",
)


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
        sa.Column('title_tokens', sa.Text(), nullable=False, server_default=''),
        sa.Column('body_tokens', sa.Text(), nullable=False, server_default=''),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'ref'),
    )
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE if dialect == 'sqlite' else _POSTGRESQL if dialect == 'postgresql' else ():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('search_document_au', 'search_document_ad', 'search_document_ai'):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
        op.execute('DROP TABLE IF EXISTS search_fts')
    op.drop_table('search_document')
