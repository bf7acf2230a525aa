"""desk: indexes the overview and the lists use with a year of leads and bookings

- leads (language, created_at): the overview and the lists of one language. On PostgreSQL
  it also carries the columns the overview counts, so a year of one language is read from
  the index alone (an index-only scan) instead of the whole table.
- PostgreSQL only, with the pg_trgm extension (trusted since PostgreSQL 13, so the database's
  owner may create it): trigram indexes for the desk's search (ILIKE '%text%' on name,
  e-mail and company) and for the page a lead or booking came from without its query string
  (the standard and source filters: ILIKE on the address, and equality). SQLite has no
  trigram index; its searches read the table, which is fine at its size.
- PostgreSQL only: a b-tree on that bare address, so the source filter's list of pages
  steps from one page to the next instead of reading every lead and booking.
- PostgreSQL 14+ only: statistics on the leads' UTC day (date(created_at)). Without them the
  planner takes every lead for a day of its own and sorts a year of leads on disk to count
  them by day, instead of hashing 365 days in memory.

The expression of the page indexes must stay the one queries.bare_url() writes for
PostgreSQL, or the planner cannot use them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 20:05:00
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BARE_PAGE = "(split_part(replace(page_url, '#', '?'), '?', 1))"
TRIGRAM_INDEXES = (
    ('ix_leads_search_trgm', 'leads', 'name gin_trgm_ops, email gin_trgm_ops'),
    ('ix_leads_page_trgm', 'leads', f'{BARE_PAGE} gin_trgm_ops'),
    ('ix_bookings_search_trgm', 'bookings',
     'name gin_trgm_ops, company gin_trgm_ops, email gin_trgm_ops'),
    ('ix_bookings_page_trgm', 'bookings', f'{BARE_PAGE} gin_trgm_ops'),
)
PAGE_INDEXES = (('ix_leads_page', 'leads'), ('ix_bookings_page', 'bookings'))
DAY_STATISTICS = 'st_leads_created_day'
# What the overview reads of each lead (counts.lead_breakdown, counts.funnel_counts).
OVERVIEW_COLUMNS = ['confirmed_at', 'utm_source', 'utm_campaign', 'page_url', 'email']


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    op.create_index('ix_leads_language_created_at', 'leads', ['language', 'created_at'],
                    postgresql_include=OVERVIEW_COLUMNS)
    if not postgresql:
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for name, table, columns in TRIGRAM_INDEXES:
        op.execute(f'CREATE INDEX {name} ON {table} USING gin ({columns})')
    for name, table in PAGE_INDEXES:
        op.execute(f'CREATE INDEX {name} ON {table} ({BARE_PAGE})')
    if op.get_bind().dialect.server_version_info >= (14,):
        op.execute(f'CREATE STATISTICS {DAY_STATISTICS} ON (date(created_at)) FROM leads')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # The extension stays: something else may use it since.
        op.execute(f'DROP STATISTICS IF EXISTS {DAY_STATISTICS}')
        for name, *_rest in reversed(TRIGRAM_INDEXES + PAGE_INDEXES):
            op.execute(f'DROP INDEX {name}')
    op.drop_index('ix_leads_language_created_at', table_name='leads')
