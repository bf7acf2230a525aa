"""Core statements compiled once per dialect, for the write that runs on every signup.

On each execute SQLAlchemy builds a cache key for the statement and looks it up; for the
signup's INSERTs (on PostgreSQL one statement with three data-modifying CTEs) that cost
more than the database's own work. A CompiledOnce statement is compiled the first time a
dialect runs it and then goes through Connection.exec_driver_sql: the same transaction,
events and error wrapping (IntegrityError, OperationalError, disconnect handling), with
the columns' own bind processors, so stored values are the ones Core would write.
"""

import threading


class CompiledOnce:
    """A statement compiled once per dialect; every execute passes all of its parameters.

    params: the column keys of a plain INSERT; None when the statement names its bindparams.
    """

    def __init__(self, statement, params=None):
        self.statement = statement
        self.params = params
        self._by_dialect = {}
        self._lock = threading.Lock()

    def execute(self, connection, values):
        """Run with values (a dict holding every parameter) and return the CursorResult."""
        sql, processors = self._compiled(connection.dialect)
        if processors:
            values = dict(values)
            for name, process in processors:
                values[name] = process(values[name])
        return connection.exec_driver_sql(sql, values)

    def _compiled(self, dialect):
        found = self._by_dialect.get(dialect.name)
        if found is None:
            with self._lock:
                found = self._by_dialect.get(dialect.name)
                if found is None:
                    found = self._by_dialect[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect):
        # Named parameters, so a dict of values fits every driver: :name for sqlite3,
        # %(name)s for psycopg.
        named = dialect if dialect.paramstyle in ("named", "pyformat") else \
            type(dialect)(paramstyle="named")
        compiled = self.statement.compile(dialect=named, column_keys=self.params)
        processors = []
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((name, process))
        return str(compiled), tuple(processors)
