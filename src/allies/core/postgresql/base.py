"""Django's PostgreSQL backend with two additions for the hot API reads.

Settings choose it for every ``postgres://`` DATABASE_URL; everything else is Django's.

1. **A health check without a round trip.** With persistent connections and
   ``CONN_HEALTH_CHECKS`` (both on here), Django checks each connection before its first
   query in a request by sending ``SELECT 1``: one more round trip per request. A
   connection the server has closed (a restart, ``pg_terminate_backend``, an idle timeout,
   a crashed backend) has something to read on its socket: the server's goodbye message,
   or end-of-file. So the check first asks the socket, without waiting: when nothing is
   there and libpq still calls the connection good, it is usable; only when something is
   waiting does it fall back to Django's ``SELECT 1``, which then fails (or passes, if what
   waited was a harmless notice). A connection that hangs without a word (a cut network)
   is no better served by ``SELECT 1``, which would hang too.

2. **Prepared statements for the few statements every API request repeats**
   (:meth:`DatabaseWrapper.prepared_cursor`: the token lookup, a sales page and its count,
   the access-log INSERT). Django binds parameters on the client, so PostgreSQL parses and
   plans every statement again: about 0.4 ms of the server's CPU per sales page, more than
   running the queries. A prepared statement is parsed once per connection and planned
   once it has a generic plan. Every other query still goes through Django's ordinary
   client-side cursor. Behind PgBouncer in transaction mode, prepared statements need
   PgBouncer 1.21 or later with ``max_prepared_statements`` set.
"""

import select

import psycopg
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.utils.asyncio import async_unsafe
from psycopg.pq import ConnStatus, Format

# Django leaves psycopg's automatic preparing off (threshold None), which also refuses an
# explicit prepare=True. Only PreparingCursor binds on the server, and it always asks, so
# a threshold no query count reaches turns explicit preparing on and nothing else.
_ONLY_WHEN_ASKED = 2**62


class PreparingCursor(ServerBindingCursor):
    """Binds parameters on the server and prepares every statement it runs."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class DatabaseOperations(PostgresOperations):
    def last_executed_query(self, cursor, sql, params):
        """The statement with its values, for query logs and tests (Django's own reads it from a
        client-side cursor; a prepared statement has only its placeholders)."""
        if isinstance(cursor, PreparingCursor):
            try:
                return self.compose_sql(sql, params)
            except psycopg.DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(PostgresDatabaseWrapper):
    ops_class = DatabaseOperations

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if connection.prepare_threshold is None:
            connection.prepare_threshold = _ONLY_WHEN_ASKED
        return connection

    @async_unsafe
    def prepared_cursor(self):
        """Like :meth:`cursor` (health check, error wrapping, query logging for tests), for
        statements that run on almost every request with only their values changing."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = PreparingCursor(self.connection)
            # as Django's create_cursor(): aware datetimes in the connection's zone
            if self.timezone != self.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
                register_tzloader(self.timezone, cursor)
            return self._prepare_cursor(cursor)

    def is_usable(self):
        connection = self.connection
        if connection is None:
            return False
        if connection.closed or connection.pgconn.status != ConnStatus.OK:
            return False
        try:
            readable, _w, _x = select.select([connection.pgconn.socket], [], [], 0)
        except (OSError, ValueError, psycopg.Error):  # no socket to ask: let the server answer
            return super().is_usable()
        return super().is_usable() if readable else True
