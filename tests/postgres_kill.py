"""Killing a test database's connections from the server's side, as a restart or failover does."""

import time


def kill_connections(admin, database) -> int:
    """pg_terminate_backend on every connection to `database` but `admin`'s own; returns how many.

    pg_terminate_backend only signals: as after a restart, the clients come back once the server has
    closed those connections (a pool's check cannot see a goodbye not yet sent), so this returns when
    they are gone.
    """
    pids = [pid for (pid,) in admin.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]).fetchall()]
    killed = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM unnest(%s::int[]) AS pid",
                           [pids]).fetchone()[0]
    deadline = time.monotonic() + 10
    while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids]).fetchone()[0] \
            and time.monotonic() < deadline:
        time.sleep(0.01)
    return killed
