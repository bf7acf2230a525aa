"""bookings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:30:00

The database itself refuses double bookings: two confirmed bookings of one consultant
must not overlap, buffer included ([starts_at, blocked_until)). PostgreSQL checks it with
an exclusion constraint (btree_gist); where the extension cannot be created, the unique
index and the per-consultant advisory lock taken by the service remain. SQLite has a
trigger, run under its single-writer lock.
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

OVERLAP = ("consultant = NEW.consultant AND status = 'confirmed' AND id IS NOT NEW.id "
           "AND starts_at < NEW.blocked_until AND NEW.starts_at < blocked_until")


def upgrade():
    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=80), nullable=False),
    sa.Column('consultant', sa.String(length=40), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('blocked_until', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('topics', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=True),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('consent_version', sa.String(length=40), nullable=False),
    sa.Column('page_url', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('replaced_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('starts_at < ends_at AND ends_at <= blocked_until',
                       name='ck_bookings_times'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uid')
    )
    op.create_index('uq_bookings_consultant_start', 'bookings', ['consultant', 'starts_at'],
                    unique=True, sqlite_where=sa.text("status = 'confirmed'"),
                    postgresql_where=sa.text("status = 'confirmed'"))
    op.create_index('ix_bookings_starts_at', 'bookings', ['starts_at'])

    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        _postgresql_exclusion(bind)
    elif bind.dialect.name == 'sqlite':
        for event in ('INSERT', 'UPDATE'):
            op.execute(
                f"CREATE TRIGGER bookings_no_overlap_{event.lower()} BEFORE {event} ON bookings "
                f"WHEN NEW.status = 'confirmed' AND EXISTS "
                f"(SELECT 1 FROM bookings WHERE {OVERLAP}) "
                "BEGIN SELECT RAISE(ABORT, 'bookings_no_overlap'); END")

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('lead_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('booking_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_outbox_booking_id', 'bookings', ['booking_id'], ['id'])
        batch_op.create_index('ix_outbox_booking_id', ['booking_id'], unique=False)


def _postgresql_exclusion(bind):
    try:
        # A savepoint, so a refused CREATE EXTENSION (no privilege, not installed)
        # does not abort the whole migration.
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist")
    except sa.exc.DBAPIError as exc:
        log.warning("bookings: btree_gist unavailable (%s); relying on the unique index "
                    "and advisory locks", exc.orig)
        return
    op.execute(
        "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist "
        "(consultant WITH =, tstzrange(starts_at AT TIME ZONE 'UTC', "
        "blocked_until AT TIME ZONE 'UTC', '[)') WITH &&) WHERE (status = 'confirmed')")


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_booking_id')
        batch_op.drop_constraint('fk_outbox_booking_id', type_='foreignkey')
        batch_op.drop_column('booking_id')
        batch_op.alter_column('lead_id', existing_type=sa.Integer(), nullable=False)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS bookings_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS bookings_no_overlap_update")
    op.drop_index('ix_bookings_starts_at', table_name='bookings')
    op.drop_index('uq_bookings_consultant_start', table_name='bookings')
    op.drop_table('bookings')
