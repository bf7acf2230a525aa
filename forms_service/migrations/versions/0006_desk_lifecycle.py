"""desk: one lifecycle for a meeting; indexes for the overview and the lists

A meeting is booked -> moved -> held / no-show -> won / lost, or cancelled by the visitor or
by staff. The calendar keeps its own status (confirmed / cancelled); bookings.cancelled_by
says who cancelled, and booking_follow_ups.status now holds only the outcome sales record
("new" until then). The old follow-up statuses are mapped, and each changed one is kept in
booking_follow_ups.previous_status:

- new -> new; no-show -> no-show (unchanged)
- contacted -> new (previous_status "contacted")
- done -> held (previous_status "done")
- cancelled -> new (previous_status "cancelled"); a booking still confirmed in the calendar
  becomes cancelled by staff, as sales had marked it (no mail is sent)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 17:05:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_leads_created_at', 'leads', [sa.text('created_at')]),
    ('ix_leads_email_lower', 'leads', [sa.text('lower(email)')]),
    ('ix_bookings_created_at', 'bookings', [sa.text('created_at')]),
    ('ix_bookings_email_lower', 'bookings', [sa.text('lower(email)')]),
    ('ix_bookings_replaced_by', 'bookings', [sa.text('replaced_by')]),
)


def upgrade():
    # Plain ADD COLUMN (no batch copy): SQLite keeps the bookings table and its triggers.
    op.add_column('bookings', sa.Column('cancelled_by', sa.String(length=12), nullable=True))
    op.add_column('booking_follow_ups',
                  sa.Column('previous_status', sa.String(length=12), nullable=True))
    # Before this release only the visitor could cancel (or move) a meeting.
    op.execute("UPDATE bookings SET cancelled_by = 'visitor' "
               "WHERE status = 'cancelled' AND replaced_by IS NULL")
    op.execute("UPDATE bookings SET status = 'cancelled', cancelled_by = 'staff', "
               "cancelled_at = (SELECT f.updated_at FROM booking_follow_ups f "
               "WHERE f.booking_id = bookings.id), sequence = sequence + 1 "
               "WHERE status = 'confirmed' AND id IN (SELECT booking_id FROM booking_follow_ups "
               "WHERE status = 'cancelled')")
    op.execute("UPDATE booking_follow_ups SET previous_status = status, status = 'new' "
               "WHERE status IN ('contacted', 'cancelled')")
    op.execute("UPDATE booking_follow_ups SET previous_status = status, status = 'held' "
               "WHERE status = 'done'")
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    # The old statuses come back where they were kept; new outcomes map to the nearest.
    op.execute("UPDATE booking_follow_ups SET status = previous_status "
               "WHERE previous_status IS NOT NULL")
    op.execute("UPDATE booking_follow_ups SET status = 'done' "
               "WHERE status IN ('held', 'won', 'lost')")
    op.execute("UPDATE booking_follow_ups SET status = 'cancelled' WHERE status = 'new' AND "
               "booking_id IN (SELECT id FROM bookings WHERE cancelled_by = 'staff')")
    with op.batch_alter_table('booking_follow_ups') as batch:
        batch.drop_column('previous_status')
    if op.get_bind().dialect.name == 'sqlite':
        # DROP COLUMN (SQLite 3.35+) keeps the table and its triggers; batch would copy it.
        op.execute("ALTER TABLE bookings DROP COLUMN cancelled_by")
    else:
        op.drop_column('bookings', 'cancelled_by')
