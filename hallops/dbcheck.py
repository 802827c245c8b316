"""The PostgreSQL pool's check of a connection before it is handed out (installed by hallops.postgresql).

psycopg_pool's own check sends an empty query: a round trip on every request that touches the
database, about a third of a millisecond here, for news that almost never comes. A connection the
server closed (a restart, a failover, pg_terminate_backend) has already said so: its goodbye, or
the end of the stream, is waiting on the socket. So an idle connection with nothing to read is
handed out as it is, and only one with something waiting gets the full check, which discards it if
it is dead (tests/hallops/test_database_pool.py kills the pool's connections and asks again).

Like psycopg_pool's own check, it sees only what the server has already done: a connection killed
in the very moment it is handed out still fails that one request.
"""

import select

from psycopg_pool import ConnectionPool


def check(conn) -> None:
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    if readable:
        ConnectionPool.check_connection(conn)
