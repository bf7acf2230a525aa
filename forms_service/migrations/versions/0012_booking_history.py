"""booking: a move is a reschedule; each booking keeps its history

A move now changes the booking in place (same UID, SEQUENCE + 1) instead of cancelling it
and booking a new row. booking_events holds each step (booked, moved from -> to, cancelled)
with when and by whom; outbox.booking_event_id names the step a mail tells about.

Existing bookings get their "booked" step (and "cancelled" where they were cancelled by
the visitor or by staff). Rows replaced by an earlier move keep their replaced_by link.

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-02 20:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('booking_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by', sa.String(length=12), nullable=False),
    sa.Column('staff_email', sa.String(length=254), nullable=True),
    sa.Column('via', sa.String(length=12), nullable=True),
    sa.Column('consultant', sa.String(length=40), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('from_consultant', sa.String(length=40), nullable=True),
    sa.Column('from_starts_at', sa.DateTime(), nullable=True),
    sa.Column('from_ends_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name='fk_booking_events_booking_id'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_booking_events_booking_id', 'booking_events', ['booking_id'])
    # Plain ADD COLUMN (no batch copy), like 0006: SQLite keeps its tables as they are.
    op.add_column('outbox', sa.Column('booking_event_id', sa.Integer(), nullable=True))
    op.execute(
        "INSERT INTO booking_events (booking_id, kind, at, by, via, consultant, starts_at, "
        "ends_at, sequence) SELECT id, 'booked', created_at, 'visitor', 'web', consultant, "
        "starts_at, ends_at, 0 FROM bookings")
    op.execute(
        "INSERT INTO booking_events (booking_id, kind, at, by, consultant, starts_at, ends_at, "
        "sequence) SELECT id, 'cancelled', COALESCE(cancelled_at, created_at), "
        "COALESCE(cancelled_by, 'visitor'), consultant, starts_at, ends_at, sequence "
        "FROM bookings WHERE status = 'cancelled' AND replaced_by IS NULL")


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # DROP COLUMN (SQLite 3.35+) keeps the table as it is; batch would copy it.
        op.execute("ALTER TABLE outbox DROP COLUMN booking_event_id")
    else:
        op.drop_column('outbox', 'booking_event_id')
    op.drop_index('ix_booking_events_booking_id', table_name='booking_events')
    op.drop_table('booking_events')
