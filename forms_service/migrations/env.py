"""Alembic environment: run migrations against the app's database (Flask-Migrate)."""

from alembic import context
from flask import current_app

config = context.config
db = current_app.extensions["migrate"].db
target_metadata = db.metadata


def run_migrations_offline():
    """Emit SQL for `flask db upgrade --sql`."""
    context.configure(url=str(db.engine.url).replace("%", "%%"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


# A migration may rewrite a big table: the requests' statement deadline does not apply.
# lock_timeout still does, so a migration waiting for a lock never queues the traffic
# behind it for long (it fails, and is run again at a quieter moment).
MIGRATION_DEADLINE_SECONDS = 3600


def run_migrations_online():
    """Apply migrations over the app's engine."""
    from forms_service.db import deadline

    with deadline(MIGRATION_DEADLINE_SECONDS), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(
                f"SET statement_timeout = {MIGRATION_DEADLINE_SECONDS * 1000}")
            connection.commit()  # else Alembic finds a transaction begun and never commits
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        if connection.dialect.name == "postgresql":
            connection.invalidate()  # its long statement_timeout must not go back to the pool


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
