"""desk sessions kept on the server; disabled staff users; outbox destination state

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 17:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'desk_sessions',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('staff_users.id'), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_desk_sessions_user_id', 'desk_sessions', ['user_id'])
    with op.batch_alter_table('staff_users') as batch:
        batch.add_column(sa.Column('disabled_at', sa.DateTime(), nullable=True))
    op.create_table(
        'outbox_destinations',
        sa.Column('key', sa.String(length=2000), primary_key=True),
        sa.Column('failures', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('open_until', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_failure_at', sa.DateTime(), nullable=True),
        sa.Column('last_success_at', sa.DateTime(), nullable=True),
    )


def downgrade():
    op.drop_table('outbox_destinations')
    with op.batch_alter_table('staff_users') as batch:
        batch.drop_column('disabled_at')
    op.drop_index('ix_desk_sessions_user_id', table_name='desk_sessions')
    op.drop_table('desk_sessions')
