"""booking: the consultants' calendars, read and cached for every process

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 17:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_cache',
    sa.Column('consultant', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('busy', sa.Text(), nullable=True),
    sa.Column('window_start', sa.DateTime(), nullable=True),
    sa.Column('window_end', sa.DateTime(), nullable=True),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('tried_at', sa.DateTime(), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('consultant')
    )


def downgrade():
    op.drop_table('calendar_cache')
