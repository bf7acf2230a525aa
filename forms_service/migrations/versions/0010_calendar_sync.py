"""booking: copies of bookings in the consultants' CalDAV calendars, private meeting feeds

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02 20:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('consultant', sa.String(length=40), nullable=False),
    sa.Column('href', sa.String(length=2000), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('written_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('booking_id', name='uq_calendar_copies_booking_id')
    )
    op.create_table('calendar_feeds',
    sa.Column('consultant', sa.String(length=40), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=True),
    sa.PrimaryKeyConstraint('consultant'),
    sa.UniqueConstraint('token_hash', name='uq_calendar_feeds_token_hash')
    )


def downgrade():
    op.drop_table('calendar_feeds')
    op.drop_table('calendar_copies')
