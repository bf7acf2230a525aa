"""lead capture: every booking keeps its source; bot signals on leads and bookings;
counted refusals

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 16:55:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def upgrade():
    with op.batch_alter_table('bookings') as batch:
        batch.add_column(sa.Column('referrer', sa.String(length=2000), nullable=True))
        for key in UTM_KEYS:
            batch.add_column(sa.Column(key, sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('bot_signals', sa.String(length=200), nullable=True))
    with op.batch_alter_table('leads') as batch:
        batch.add_column(sa.Column('bot_signals', sa.String(length=200), nullable=True))
    op.create_table('bot_refusals',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('form', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'form', 'reason')
    )


def downgrade():
    op.drop_table('bot_refusals')
    with op.batch_alter_table('leads') as batch:
        batch.drop_column('bot_signals')
    with op.batch_alter_table('bookings') as batch:
        batch.drop_column('bot_signals')
        for key in reversed(UTM_KEYS):
            batch.drop_column(key)
        batch.drop_column('referrer')
