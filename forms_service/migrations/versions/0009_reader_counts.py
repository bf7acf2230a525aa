"""readers: page views and daily visitors counted without cookies (issue 21)

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02 20:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

DIMENSIONS = ("path", "language", "referrer_host", "utm_source", "utm_medium",
              "utm_campaign", "screen")


def upgrade():
    op.create_table('reader_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('referrer_host', sa.String(length=253), nullable=False),
    sa.Column('utm_source', sa.String(length=100), nullable=False),
    sa.Column('utm_medium', sa.String(length=100), nullable=False),
    sa.Column('utm_campaign', sa.String(length=100), nullable=False),
    sa.Column('screen', sa.String(length=8), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.Column('visitors', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', *DIMENSIONS, name='uq_reader_counts_row')
    )
    op.create_index('ix_reader_counts_day', 'reader_counts', ['day'])
    op.create_table('reader_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('visitors', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'language')
    )
    op.create_table('reader_salts',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('salt', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('reader_seen',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('day', 'token')
    )
    op.create_table('reader_batches',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('written_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_reader_batches_written_at', 'reader_batches', ['written_at'])


def downgrade():
    op.drop_index('ix_reader_batches_written_at', table_name='reader_batches')
    op.drop_table('reader_batches')
    op.drop_table('reader_seen')
    op.drop_table('reader_salts')
    op.drop_table('reader_days')
    op.drop_index('ix_reader_counts_day', table_name='reader_counts')
    op.drop_table('reader_counts')
