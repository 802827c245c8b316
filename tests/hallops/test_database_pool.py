"""A PostgreSQL connection killed by the server is not handed out again (issue 11, fault 2): the
pool checks each connection, so the request after a restart or pg_terminate_backend succeeds."""

import psycopg
import pytest
from django.db import connection

from tests.postgres_kill import kill_connections

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the pool is the production (PostgreSQL) path; run with DATABASE_URL=postgres://…")
    # Start from a pool of its own: threads of earlier tests (servers, races) may still hold every
    # connection of the process's pool, and a request would then wait for one, not for the check.
    connection.close()
    connection.close_pool()
    yield
    connection.close()
    connection.close_pool()


def kill_every_connection():
    """pg_terminate_backend on this test database's connections only, from a connection of our own."""
    params = connection.get_connection_params()
    params.pop("pool", None)
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**{k: v for k, v in params.items() if k in ("host", "port", "user", "password")},
                         dbname="postgres", autocommit=True) as admin:
        return kill_connections(admin, connection.settings_dict["NAME"])


def test_a_request_after_the_server_killed_the_pools_connections_succeeds(postgres, client):
    from tests.factories import make_hall

    make_hall("xicheng")
    assert client.get("/api/v1/halls/").status_code == 200
    connection.close()  # back to the pool, as at the end of every request
    assert kill_every_connection() >= 1
    for _ in range(3):  # every connection the pool held is dead: each must be replaced, not handed out
        response = client.get("/api/v1/halls/")
        assert response.status_code == 200, response.content
        assert response.json()[0]["code"] == "xicheng"
        connection.close()


def test_a_healthy_idle_connection_is_handed_out_without_a_round_trip(postgres, client, monkeypatch):
    from psycopg_pool import ConnectionPool

    from hallops import dbcheck
    from tests.factories import make_hall

    make_hall("xicheng")
    assert client.get("/api/v1/halls/").status_code == 200
    connection.close()
    assert connection.pool._check is dbcheck.check
    full_checks = []
    original = ConnectionPool.check_connection
    monkeypatch.setattr(ConnectionPool, "check_connection",
                        staticmethod(lambda conn: (full_checks.append(conn), original(conn))))
    for _ in range(3):
        assert client.get("/api/v1/halls/").status_code == 200
        connection.close()
    assert full_checks == []  # nothing waited on the socket: no empty query sent
    kill_every_connection()
    assert client.get("/api/v1/halls/").status_code == 200
    assert full_checks  # the killed one said goodbye: checked in full, and replaced
