"""curriculum search: the inverted index as posting lists (one row per token and block of documents)

The first index had one row per (token, document): 18.6 million rows for 10,000 lesson-sized
documents, which took many minutes to build. A row now holds the list of a token's documents in a
block of 1,024 document ids and their weights, packed (docs/search.md). The old rows are dropped
and the documents emptied, so that the next `flask content sync` rebuilds the index.

Revision ID: d18c00000001
Revises: d18b00000001
Create Date: 2026-12-07 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd18c00000001'
down_revision = 'd18b00000001'
branch_labels = None
depends_on = None


def _token():
    return sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql')


def upgrade():
    op.drop_index('ix_search_posting_document_id', table_name='search_posting')
    op.drop_table('search_posting')
    op.execute('DELETE FROM search_document')  # the next content sync rebuilds the whole index
    op.create_table(
        'search_posting',
        sa.Column('token', _token(), nullable=False),
        sa.Column('block', sa.Integer(), nullable=False),
        sa.Column('doc_ids', sa.LargeBinary(), nullable=False),
        sa.Column('weights', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('token', 'block'),
    )


def downgrade():
    op.drop_table('search_posting')
    op.execute('DELETE FROM search_document')
    op.create_table(
        'search_posting',
        sa.Column('token', _token(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('weight', sa.Float(), nullable=False, server_default='0'),
        sa.ForeignKeyConstraint(['document_id'], ['search_document.id']),
        sa.PrimaryKeyConstraint('token', 'document_id'),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_search_posting_document_id', 'search_posting', ['document_id'])
